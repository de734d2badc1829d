namespace Mesh.Chaos.Experiments;

/// <summary>
/// A chaos experiment as Chaos Toolkit shapes one: the steady-state hypothesis (probes that say the system is
/// fine), the method (actions that disturb it), and rollbacks, which are the reversible actions' own undo plus any
/// listed here. The seed drives every random choice the actions make.
/// </summary>
public sealed record Experiment(string Title)
{
    public IReadOnlyList<IProbe> SteadyState { get; init; } = [];

    public IReadOnlyList<IChaosAction> Method { get; init; } = [];

    public IReadOnlyList<IChaosAction> Rollbacks { get; init; } = [];

    public int Seed { get; init; }
}

/// <summary>Runs an <see cref="Experiment"/>: hypothesis, method, hypothesis again, and rollbacks that always run.</summary>
public static class ExperimentRunner
{
    public static async Task<ExperimentJournal> RunAsync(Experiment experiment, TimeProvider? time = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var session = new ChaosSession(experiment.Title, new ChaosContext(experiment.Seed, time, log));
        try
        {
            if (!AllMet(await session.CheckSteadyStateAsync(experiment.SteadyState, cancellationToken).ConfigureAwait(false)))
            {
                session.Journal.Status = ExperimentStatus.Failed;
                return session.Journal;
            }

            foreach (var action in experiment.Method)
            {
                await session.RunAsync(action, cancellationToken).ConfigureAwait(false);
            }

            session.Journal.Status = AllMet(await session.CheckSteadyStateAsync(experiment.SteadyState, cancellationToken).ConfigureAwait(false))
                ? ExperimentStatus.Completed
                : ExperimentStatus.Deviated;
        }
        catch (Exception)
        {
            session.Journal.Status = ExperimentStatus.Aborted;
        }
        finally
        {
            await session.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var rollback in experiment.Rollbacks)
            {
                await RunRollbackAsync(session, rollback).ConfigureAwait(false);
            }
        }

        return session.Journal;
    }

    private static async Task RunRollbackAsync(ChaosSession session, IChaosAction rollback)
    {
        var start = session.Context.Time.GetUtcNow();
        try
        {
            await rollback.RunAsync(session.Context, CancellationToken.None).ConfigureAwait(false);
            session.Journal.Add(new ActivityRun("rollback", rollback.Name, start, session.Context.Time.GetUtcNow(), true, null));
        }
        catch (Exception e)
        {
            session.Journal.Add(new ActivityRun("rollback", rollback.Name, start, session.Context.Time.GetUtcNow(), false, $"{e.GetType().Name}: {e.Message}"));
        }
    }

    private static bool AllMet(IReadOnlyList<ProbeResult> results) => results.All(r => r.Met);
}
