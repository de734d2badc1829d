using System.Globalization;
using System.Text;

namespace Mesh.Chaos.Rollouts;

/// <summary>The limits each step of a rollout must stay within, measured on the canary alone.</summary>
public sealed record CanaryGate(double MaxErrorPercent, TimeSpan MaxP99, long MinRequests = 10);

/// <summary>What the canary did during one step's analysis window.</summary>
public sealed record CanaryMeasurement(long Requests, double ErrorPercent, TimeSpan P99);

/// <summary>The system a rollout drives: it sets the canary's share of traffic and reads the canary's live metrics.</summary>
public interface ICanaryTarget
{
    /// <summary>Sends <paramref name="percent"/> of traffic to the canary and the rest to the stable version; returns once the mesh has it.</summary>
    Task SetCanaryWeightAsync(int percent, CancellationToken cancellationToken);

    /// <summary>The canary's requests, error rate and p99 over the last <paramref name="window"/>.</summary>
    Task<CanaryMeasurement> MeasureAsync(TimeSpan window, CancellationToken cancellationToken);
}

public sealed record CanaryStep(int Percent, CanaryMeasurement? Measurement, bool Passed, string Verdict);

/// <summary>How a rollout ended: promoted at 100%, or rolled back to 0% at a failing step.</summary>
public sealed record CanaryResult(bool Promoted, int FinalPercent, IReadOnlyList<CanaryStep> Steps)
{
    public override string ToString()
    {
        var text = new StringBuilder(Promoted ? "promoted" : "rolled back").Append('\n');
        foreach (var step in Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {step.Percent,3}%  {(step.Passed ? "pass" : "FAIL")}  {step.Verdict}\n");
        }

        return text.ToString();
    }
}

/// <summary>
/// Progressive delivery, gated on live metrics (what Flagger and Argo Rollouts add to Istio): the canary's weight goes
/// up step by step; after each step the rollout waits one analysis window and checks the canary's error rate and p99
/// against the gate. A failing step, or one with too little traffic to judge, sends all traffic back to the stable
/// version and stops. The clock is injected, so tests run a rollout in virtual time.
/// </summary>
public sealed class CanaryRollout(ICanaryTarget target, IReadOnlyList<int> steps, CanaryGate gate, TimeSpan analysisWindow, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<CanaryResult> RunAsync(Func<CanaryStep, Task>? onStep = null, CancellationToken cancellationToken = default)
    {
        if (steps.Count == 0 || steps.Any(s => s is <= 0 or > 100) || steps.Zip(steps.Skip(1)).Any(p => p.Second <= p.First))
        {
            throw new ArgumentException("rollout steps are increasing percentages between 1 and 100");
        }

        var done = new List<CanaryStep>();
        foreach (var percent in steps)
        {
            await target.SetCanaryWeightAsync(percent, cancellationToken).ConfigureAwait(false);
            await Task.Delay(analysisWindow, _time, cancellationToken).ConfigureAwait(false);
            var measured = await target.MeasureAsync(analysisWindow, cancellationToken).ConfigureAwait(false);
            var step = Judge(percent, measured);
            done.Add(step);
            if (onStep is not null)
            {
                await onStep(step).ConfigureAwait(false);
            }

            if (!step.Passed)
            {
                await target.SetCanaryWeightAsync(0, cancellationToken).ConfigureAwait(false);
                return new CanaryResult(false, 0, done);
            }
        }

        return new CanaryResult(true, steps[^1], done);
    }

    private CanaryStep Judge(int percent, CanaryMeasurement m)
    {
        var figures = string.Create(CultureInfo.InvariantCulture, $"{m.Requests} requests, {m.ErrorPercent:0.##}% errors, p99 {m.P99.TotalMilliseconds:0} ms");
        if (m.Requests < gate.MinRequests)
        {
            return new CanaryStep(percent, m, false, $"{figures}: too little traffic to judge (fewer than {gate.MinRequests})");
        }

        if (m.ErrorPercent > gate.MaxErrorPercent)
        {
            return new CanaryStep(percent, m, false, string.Create(CultureInfo.InvariantCulture, $"{figures}: error rate above {gate.MaxErrorPercent}%"));
        }

        if (m.P99 > gate.MaxP99)
        {
            return new CanaryStep(percent, m, false, string.Create(CultureInfo.InvariantCulture, $"{figures}: p99 above {gate.MaxP99.TotalMilliseconds} ms"));
        }

        return new CanaryStep(percent, m, true, figures);
    }
}
