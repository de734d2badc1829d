namespace Mesh.Chaos.Experiments;

/// <summary>
/// An experiment in progress. Probes and actions run one at a time and are journaled; every reversible action that
/// started is rolled back, newest first, when the session is rolled back or disposed, whatever happened in between.
/// Steps of a Gherkin scenario drive a session one action at a time; <see cref="ExperimentRunner"/> drives a whole
/// <see cref="Experiment"/> through one.
/// </summary>
public sealed class ChaosSession(string title, ChaosContext context) : IAsyncDisposable
{
    private readonly Stack<IReversibleAction> _undo = new();

    public ChaosContext Context { get; } = context;

    public ExperimentJournal Journal { get; } = new(title, context.Seed);

    /// <summary>Checks every probe; all are run and journaled, and the result is whether all were met.</summary>
    public async Task<IReadOnlyList<ProbeResult>> CheckSteadyStateAsync(IEnumerable<IProbe> probes, CancellationToken cancellationToken = default)
    {
        var results = new List<ProbeResult>();
        foreach (var probe in probes)
        {
            var start = Context.Time.GetUtcNow();
            ProbeResult result;
            try
            {
                result = await probe.CheckAsync(Context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = new ProbeResult(probe.Name, false, $"{e.GetType().Name}: {e.Message}");
            }

            Journal.Add(new ActivityRun("probe", probe.Name, start, Context.Time.GetUtcNow(), result.Met, result.Detail));
            results.Add(result);
        }

        return results;
    }

    /// <summary>Runs an action. A reversible one is queued for rollback before it starts, so a half-done action is undone too.</summary>
    public async Task RunAsync(IChaosAction action, CancellationToken cancellationToken = default)
    {
        if (action is IReversibleAction reversible)
        {
            _undo.Push(reversible);
        }

        var start = Context.Time.GetUtcNow();
        Context.Log($"action: {action.Name}");
        try
        {
            await action.RunAsync(Context, cancellationToken).ConfigureAwait(false);
            Journal.Add(new ActivityRun("action", action.Name, start, Context.Time.GetUtcNow(), true, null));
        }
        catch (Exception e)
        {
            Journal.Add(new ActivityRun("action", action.Name, start, Context.Time.GetUtcNow(), false, $"{e.GetType().Name}: {e.Message}"));
            throw;
        }
    }

    /// <summary>Undoes every reversible action that ran, newest first. A failing rollback is journaled and the rest still run.</summary>
    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        while (_undo.TryPop(out var action))
        {
            var start = Context.Time.GetUtcNow();
            Context.Log($"rollback: {action.Name}");
            try
            {
                await action.RollbackAsync(Context, cancellationToken).ConfigureAwait(false);
                Journal.Add(new ActivityRun("rollback", action.Name, start, Context.Time.GetUtcNow(), true, null));
            }
            catch (Exception e)
            {
                Journal.Add(new ActivityRun("rollback", action.Name, start, Context.Time.GetUtcNow(), false, $"{e.GetType().Name}: {e.Message}"));
            }
        }
    }

    public async ValueTask DisposeAsync() => await RollbackAsync(CancellationToken.None).ConfigureAwait(false);
}
