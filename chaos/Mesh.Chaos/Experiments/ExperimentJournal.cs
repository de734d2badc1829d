using System.Globalization;
using System.Text;

namespace Mesh.Chaos.Experiments;

/// <summary>How an experiment ended, with Chaos Toolkit's meanings.</summary>
public enum ExperimentStatus
{
    /// <summary>The steady state held before and after the method.</summary>
    Completed,

    /// <summary>The method ran, and afterwards the steady state no longer held: a weakness was found.</summary>
    Deviated,

    /// <summary>The steady state did not hold before the method, so nothing was done.</summary>
    Failed,

    /// <summary>An action failed or the run was cancelled; the method stopped there.</summary>
    Aborted,
}

/// <summary>One activity of a run, as it happened.</summary>
public sealed record ActivityRun(string Kind, string Name, DateTimeOffset Start, DateTimeOffset End, bool Succeeded, string? Detail);

/// <summary>The record of one experiment: every probe, action and rollback in order, and the outcome.</summary>
public sealed class ExperimentJournal(string title, int seed)
{
    private readonly List<ActivityRun> _runs = [];

    public string Title { get; } = title;

    public int Seed { get; } = seed;

    public ExperimentStatus Status { get; internal set; } = ExperimentStatus.Completed;

    public IReadOnlyList<ActivityRun> Runs => _runs;

    internal void Add(ActivityRun run)
    {
        lock (_runs)
        {
            _runs.Add(run);
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"experiment \"{Title}\" (seed {Seed}): {Status.ToString().ToLowerInvariant()}\n");
        var start = _runs.Count > 0 ? _runs[0].Start : default;
        foreach (var run in _runs)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  {(run.Start - start).TotalSeconds,7:0.000}s {run.Kind,-9} {(run.Succeeded ? "ok  " : "FAIL")} {run.Name}{(run.Detail is null ? "" : $": {run.Detail}")}\n");
        }

        return text.ToString();
    }
}
