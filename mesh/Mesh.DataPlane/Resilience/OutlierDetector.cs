using Mesh.Config.Model.Networking;
using Mesh.DataPlane.Clusters;

namespace Mesh.DataPlane.Resilience;

/// <summary>
/// Passive health checking for one cluster, with Envoy's consecutive-error detectors: an endpoint that answers
/// <c>consecutive5xxErrors</c> 5xx (or <c>consecutiveGatewayErrors</c> 502/503/504 or connection failures) in a row is
/// ejected for <c>baseEjectionTime</c> × the number of times it was ejected in a row, then returns.
/// </summary>
/// <remarks>
/// At most <c>maxEjectionPercent</c> of the endpoints are ejected at once, but always at least one may be (as in
/// Envoy). When fewer than <c>minHealthPercent</c> of the endpoints are available, ejection is ignored and all are
/// used (panic). The multiplier falls by one for each <c>interval</c> an endpoint stays in after returning.
/// Endpoints return exactly when their ejection time is up, checked on the injected clock.
/// Defaults are Istio's: 5 consecutive 5xx, gateway errors off, 10 s interval, 30 s base ejection, 10 % max ejected.
/// </remarks>
public sealed class OutlierDetector
{
    public static readonly TimeSpan MaxEjectionTime = TimeSpan.FromSeconds(300);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _ejections;

    public OutlierDetector(OutlierDetection? settings, TimeProvider time)
    {
        _time = time;
        Enabled = settings is not null;
        Consecutive5xx = settings?.Consecutive5xxErrors ?? 5;
        ConsecutiveGatewayErrors = settings?.ConsecutiveGatewayErrors ?? 0;
        Interval = settings?.Interval ?? TimeSpan.FromSeconds(10);
        BaseEjectionTime = settings?.BaseEjectionTime ?? TimeSpan.FromSeconds(30);
        MaxEjectionPercent = settings?.MaxEjectionPercent ?? 10;
        MinHealthPercent = settings?.MinHealthPercent ?? 0;
    }

    public bool Enabled { get; }

    public int Consecutive5xx { get; }

    public int ConsecutiveGatewayErrors { get; }

    public TimeSpan Interval { get; }

    public TimeSpan BaseEjectionTime { get; }

    public int MaxEjectionPercent { get; }

    public int MinHealthPercent { get; }

    /// <summary>Ejections so far (Envoy's <c>outlier_detection.ejections_enforced_total</c>).</summary>
    public long Ejections => Interlocked.Read(ref _ejections);

    /// <summary>Records an attempt's outcome against its endpoint, ejecting it when a detector trips.</summary>
    public void Report(EndpointState endpoint, AttemptOutcome outcome, IReadOnlyList<EndpointState> all)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_lock)
        {
            if (!outcome.Is5xx)
            {
                endpoint.Consecutive5xx = 0;
                endpoint.ConsecutiveGatewayErrors = 0;
                return;
            }

            endpoint.Consecutive5xx++;
            endpoint.ConsecutiveGatewayErrors = outcome.IsGatewayError ? endpoint.ConsecutiveGatewayErrors + 1 : 0;
            var tripped = (Consecutive5xx > 0 && endpoint.Consecutive5xx >= Consecutive5xx) ||
                (ConsecutiveGatewayErrors > 0 && endpoint.ConsecutiveGatewayErrors >= ConsecutiveGatewayErrors);
            var now = _time.GetTimestamp();
            if (tripped && !IsEjected(endpoint, now) && EjectedCount(all, now) < Math.Max(1, all.Count * MaxEjectionPercent / 100))
            {
                Eject(endpoint, now);
            }
        }
    }

    /// <summary>The endpoints to balance over now: all but the ejected ones, unless too few would remain.</summary>
    public IReadOnlyList<EndpointState> Available(IReadOnlyList<EndpointState> all)
    {
        if (!Enabled || all.Count == 0)
        {
            return all;
        }

        var now = _time.GetTimestamp();
        var available = all.Where(e => !IsEjected(e, now)).ToArray();
        if (available.Length == all.Count)
        {
            return all;
        }

        return available.Length * 100 < MinHealthPercent * all.Count ? all : available;
    }

    public int EjectedCount(IReadOnlyList<EndpointState> all) => EjectedCount(all, _time.GetTimestamp());

    public bool IsEjected(EndpointState endpoint) => IsEjected(endpoint, _time.GetTimestamp());

    private static bool IsEjected(EndpointState endpoint, long now) => endpoint.EjectedUntil > now;

    private static int EjectedCount(IReadOnlyList<EndpointState> all, long now) => all.Count(e => IsEjected(e, now));

    private void Eject(EndpointState endpoint, long now)
    {
        if (endpoint.EjectionMultiplier > 0 && endpoint.EjectedUntil > 0)
        {
            // Each full interval spent back in service since the last ejection forgives one step of the multiplier.
            var healthyIntervals = (int)Math.Min(int.MaxValue, Ticks(now - endpoint.EjectedUntil) / Interval.Ticks);
            endpoint.EjectionMultiplier = Math.Max(0, endpoint.EjectionMultiplier - healthyIntervals);
        }

        endpoint.EjectionMultiplier++;
        var duration = BaseEjectionTime * endpoint.EjectionMultiplier;
        if (duration > MaxEjectionTime)
        {
            duration = MaxEjectionTime;
        }

        endpoint.EjectedUntil = now + (long)(duration.TotalSeconds * _time.TimestampFrequency);
        endpoint.Consecutive5xx = 0;
        endpoint.ConsecutiveGatewayErrors = 0;
        Interlocked.Increment(ref _ejections);
    }

    private long Ticks(long timestampDelta) => (long)(timestampDelta * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency);
}
