using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Restarts the mesh's own processes when they die, as a Deployment's pod is restarted: the control plane, the gateways
/// and every sidecar. A process that exits without being asked to (a crash, a SIGKILL, an OOM kill) is started again
/// after a backoff that doubles while it keeps dying (1 s, 2 s, 4 s … at most 30 s) and is forgiven once it has run a
/// minute. A process stopped on purpose (the dashboard's Stop button, Aspire's stop command) passes through Stopping
/// first, and stays stopped, as a scaled-down Deployment does. Apps are not supervised here: their sidecars are.
/// </summary>
public sealed partial class MeshSupervisor(
    ServiceMesh mesh,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<MeshSupervisor> logger) : BackgroundService
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Forgiven = TimeSpan.FromMinutes(1);

    private static readonly string[] Ended = [KnownResourceStates.Finished, KnownResourceStates.Exited, KnownResourceStates.FailedToStart];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var states = new Dictionary<string, string?>(StringComparer.Ordinal);
        var failures = new Dictionary<string, (int InARow, DateTimeOffset Started)>(StringComparer.Ordinal);
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (!mesh.Supervised.Contains(change.Resource.Name))
                {
                    continue;
                }

                var state = change.Snapshot.State?.Text;
                var previous = states.GetValueOrDefault(change.ResourceId);
                states[change.ResourceId] = state;
                if (state == previous)
                {
                    continue;
                }

                if (state == KnownResourceStates.Running)
                {
                    var (inARow, started) = failures.GetValueOrDefault(change.ResourceId);
                    failures[change.ResourceId] = (inARow, time.GetUtcNow());
                    continue;
                }

                // Stopped on purpose (Stopping came first), never started, or the app host is shutting down: leave it.
                if (!Ended.Contains(state) || previous is null || previous == KnownResourceStates.Stopping || previous == KnownResourceStates.NotStarted ||
                    lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    continue;
                }

                var (count, since) = failures.GetValueOrDefault(change.ResourceId);
                count = time.GetUtcNow() - since > Forgiven ? 0 : count;
                failures[change.ResourceId] = (count + 1, since);
                var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(count, 5)));
                LogRestarting(logger, change.Resource.Name, state!, change.Snapshot.ExitCode, backoff.TotalSeconds);
                _ = RestartAsync(change.ResourceId, change.Resource.Name, backoff, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(string resourceId, string name, TimeSpan backoff, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(backoff, time, cancellationToken);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, cancellationToken);
            if (!result.Success)
            {
                LogRestartFailed(logger, name, result.Message ?? "no reason given");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} ended ({State}, exit code {ExitCode}) without being stopped; starting it again in {Seconds} s")]
    private static partial void LogRestarting(ILogger logger, string resource, string state, int? exitCode, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start {Resource} again: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string resource, string reason);
}
