namespace Mesh.Chaos.Experiments;

/// <summary>One step of an experiment's method: something done to the system under test.</summary>
public interface IChaosAction
{
    /// <summary>What the action does, as the journal shows it (e.g. "pause pid 4242").</summary>
    string Name { get; }

    Task RunAsync(ChaosContext context, CancellationToken cancellationToken);
}

/// <summary>An action that can be undone; its rollback runs after the method, whatever happened.</summary>
public interface IReversibleAction : IChaosAction
{
    Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken);
}

/// <summary>A check of the steady state: the system behaves as its users expect.</summary>
public interface IProbe
{
    string Name { get; }

    Task<ProbeResult> CheckAsync(ChaosContext context, CancellationToken cancellationToken);
}

public sealed record ProbeResult(string Probe, bool Met, string Detail);

/// <summary>Actions and probes from delegates, for experiments written inline.</summary>
public static class Chaos
{
    public static IChaosAction Action(string name, Func<ChaosContext, CancellationToken, Task> run, Func<ChaosContext, CancellationToken, Task>? rollback = null) =>
        rollback is null ? new DelegateAction(name, run) : new ReversibleDelegateAction(name, run, rollback);

    public static IProbe Probe(string name, Func<ChaosContext, CancellationToken, Task<(bool Met, string Detail)>> check) => new DelegateProbe(name, check);

    /// <summary>Waits on the experiment's clock (Chaos Toolkit's pauses).</summary>
    public static IChaosAction Pause(TimeSpan duration) =>
        new DelegateAction($"pause {duration.TotalSeconds:0.###} s", (context, ct) => Task.Delay(duration, context.Time, ct));

    private record DelegateAction(string Name, Func<ChaosContext, CancellationToken, Task> Run) : IChaosAction
    {
        public Task RunAsync(ChaosContext context, CancellationToken cancellationToken) => Run(context, cancellationToken);
    }

    private sealed record ReversibleDelegateAction(string Name, Func<ChaosContext, CancellationToken, Task> Run, Func<ChaosContext, CancellationToken, Task> Rollback)
        : DelegateAction(Name, Run), IReversibleAction
    {
        public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken) => Rollback(context, cancellationToken);
    }

    private sealed record DelegateProbe(string Name, Func<ChaosContext, CancellationToken, Task<(bool Met, string Detail)>> Check) : IProbe
    {
        public async Task<ProbeResult> CheckAsync(ChaosContext context, CancellationToken cancellationToken)
        {
            var (met, detail) = await Check(context, cancellationToken).ConfigureAwait(false);
            return new ProbeResult(Name, met, detail);
        }
    }
}
