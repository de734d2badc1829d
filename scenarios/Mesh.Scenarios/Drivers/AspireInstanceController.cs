using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Mesh.Chaos.Actions;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Kills, stops and starts instances of the running mesh. An instance of a meshed service is its app and its sidecar
/// (<c>reviews-v2</c> and <c>reviews-v2-proxy</c>), handled together as a pod would be; the control plane and the
/// gateway are single resources. Kill is SIGKILL to the processes Aspire started and everything under them (Aspire starts a project
/// through <c>dotnet run</c>, whose child is the app); stop and start are Aspire's own
/// resource commands, the ones the dashboard's buttons run.
/// </summary>
public sealed class AspireInstanceController(RunningMesh mesh) : IInstanceController
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public async Task KillAsync(string instance, CancellationToken cancellationToken)
    {
        foreach (var resource in Resources(instance))
        {
            var pid = Pid(resource) ?? throw new InvalidOperationException($"{resource} has no running process to kill");
            ProcessSignals.SendToTree(pid, ProcessSignals.SigKill);
        }

        foreach (var resource in Resources(instance))
        {
            await WaitForStateAsync(resource, s => s is "Exited" or "Finished" or "FailedToStart", cancellationToken);
        }
    }

    public async Task StopAsync(string instance, CancellationToken cancellationToken)
    {
        foreach (var resource in Resources(instance))
        {
            await CommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        }
    }

    public async Task StartAsync(string instance, CancellationToken cancellationToken)
    {
        // The sidecar first: the app waits for it, as under the AppHost's own start. A process the mesh's supervisor has
        // already brought back (the control plane, a sidecar) is left running.
        foreach (var resource in Resources(instance).Reverse().Where(r => !Running(r)))
        {
            await CommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        foreach (var resource in Resources(instance))
        {
            await mesh.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    /// <summary>The process id of a running resource, from its Aspire snapshot.</summary>
    public int? Pid(string resource) =>
        mesh.App.ResourceNotifications.TryGetCurrentState(resource, out var state) &&
        state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value &&
        int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? pid
            : null;

    private bool Running(string resource) =>
        mesh.App.ResourceNotifications.TryGetCurrentState(resource, out var state) &&
        state.Snapshot.State?.Text is not (null or "Exited" or "Finished" or "FailedToStart" or "NotStarted");

    private static string[] Resources(string instance) =>
        RunningMesh.Workloads.Contains(instance) ? [instance, $"{instance}-proxy"] : [instance];

    private async Task CommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
        var result = await mesh.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} on {resource} failed: {result.Message}");
        }
    }

    private async Task WaitForStateAsync(string resource, Func<string?, bool> reached, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        await mesh.App.ResourceNotifications.WaitForResourceAsync(resource, e => reached(e.Snapshot.State?.Text), timeout.Token);
    }
}
