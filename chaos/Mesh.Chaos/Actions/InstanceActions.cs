using Mesh.Chaos.Experiments;

namespace Mesh.Chaos.Actions;

/// <summary>
/// Stops and starts instances of the system under test by name. The scenarios' implementation uses Aspire's resource
/// commands and process ids; an instance of a meshed service is its app and its sidecar, stopped together, as a pod.
/// </summary>
public interface IInstanceController
{
    /// <summary>Ends the instance abruptly (SIGKILL), as a crash or an OOM kill would.</summary>
    Task KillAsync(string instance, CancellationToken cancellationToken);

    /// <summary>Stops the instance gracefully (SIGTERM, drain, exit).</summary>
    Task StopAsync(string instance, CancellationToken cancellationToken);

    /// <summary>Starts the instance again and returns when it is healthy.</summary>
    Task StartAsync(string instance, CancellationToken cancellationToken);
}

/// <summary>Kills or stops one instance; the rollback starts it again.</summary>
public sealed record StopInstance(IInstanceController Controller, string Instance, bool Kill = true) : IReversibleAction
{
    public string Name => $"{(Kill ? "kill" : "stop")} {Instance}";

    public Task RunAsync(ChaosContext context, CancellationToken cancellationToken) =>
        Kill ? Controller.KillAsync(Instance, cancellationToken) : Controller.StopAsync(Instance, cancellationToken);

    public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken) => Controller.StartAsync(Instance, cancellationToken);
}

/// <summary>Kills one of several instances, chosen with the experiment's seeded random source; the rollback starts it again.</summary>
public sealed class KillOneOf(IInstanceController controller, IReadOnlyList<string> candidates) : IReversibleAction
{
    public string? Chosen { get; private set; }

    public string Name => Chosen is null ? $"kill one of {string.Join(", ", candidates)}" : $"kill {Chosen} (one of {string.Join(", ", candidates)})";

    public Task RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        Chosen = candidates[context.Random.Next(candidates.Count)];
        context.Log($"chose {Chosen}");
        return controller.KillAsync(Chosen, cancellationToken);
    }

    public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken) =>
        Chosen is null ? Task.CompletedTask : controller.StartAsync(Chosen, cancellationToken);
}
