using Mesh.Config.Registry;
using Mesh.DataPlane;
using Mesh.Simulation.Engine;
using Mesh.Simulation.Topology;

namespace Mesh.Simulation.Output;

/// <summary>Istio's request metrics as the calling sidecars report them (<c>reporter="source"</c>), and a timeline per service.</summary>
public sealed class MetricsRecorder(SimulatedTopology topology, TimeSpan interval)
{
    /// <summary>Istio's default buckets for <c>istio_request_duration_milliseconds</c>.</summary>
    public static readonly double[] DurationBuckets = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    private readonly Dictionary<SeriesKey, Series> _series = [];
    private readonly Dictionary<FastKey, Series> _fast = new(new FastKeyComparer());
    private readonly Dictionary<string, ServiceWindow> _window = new(StringComparer.Ordinal);
    private readonly List<TimelineRow> _timeline = [];

    public TimeSpan Interval { get; } = interval;

    public LatencyHistogram Ingress { get; } = new();

    public long IngressRequests { get; private set; }

    public long IngressSucceeded { get; private set; }

    public Dictionary<int, long> IngressByStatus { get; } = [];

    public IReadOnlyDictionary<SeriesKey, Series> Requests => _series;

    public IReadOnlyList<TimelineRow> Timeline => _timeline;

    public void Record(Workload source, string service, Workload? destination, int status, ResponseFlags flags, TimeSpan duration, bool root)
    {
        // Keyed by reference and value types only (hashing nine label strings per request was most of the cost).
        var fast = new FastKey(source, destination, service, status, flags);
        if (!_fast.TryGetValue(fast, out var series))
        {
            var key = new SeriesKey(source.Name, source.App, source.Version, destination?.Name ?? "unknown", destination?.App ?? "unknown",
                destination?.Version ?? "unknown", service, status, ResponseFlagNames.Format(flags));
            _fast[fast] = series = new Series();
            _series[key] = series;
        }

        var ms = duration.TotalMilliseconds;
        series.Count++;
        series.Sum += ms;
        series.Buckets[Bucket(ms)]++;
        var window = WindowOf(service);
        window.Requests++;
        window.Succeeded += status is >= 200 and < 400 ? 1 : 0;
        window.Latency.Record(duration);
        if (root)
        {
            IngressRequests++;
            IngressSucceeded += status is >= 200 and < 400 ? 1 : 0;
            IngressByStatus[status] = IngressByStatus.GetValueOrDefault(status) + 1;
            Ingress.Record(duration);
        }
    }

    /// <summary>A replica of the service took an attempt (retries included): the load it carries.</summary>
    public void Received(string service) => WindowOf(service).Received++;

    /// <summary>Closes a timeline row per service every interval until the end of the arrivals.</summary>
    public void StartTimeline(VirtualTime time, TimeSpan duration)
    {
        void Flush()
        {
            var at = time.Elapsed;
            foreach (var service in topology.Services)
            {
                var w = WindowOf(service.Name);
                _timeline.Add(new TimelineRow(at, service.Name, w.Requests, w.Succeeded, w.Received, w.Latency.Count > 0 ? w.Latency.Percentile(99) : null, Interval));
                _window[service.Name] = new ServiceWindow();
            }

            if (at + Interval <= duration)
            {
                time.Schedule(Interval, Flush);
            }
        }

        time.Schedule(Interval, Flush);
    }

    private ServiceWindow WindowOf(string service)
    {
        if (!_window.TryGetValue(service, out var window))
        {
            _window[service] = window = new ServiceWindow();
        }

        return window;
    }

    private static int Bucket(double ms)
    {
        for (var i = 0; i < DurationBuckets.Length; i++)
        {
            if (ms <= DurationBuckets[i])
            {
                return i;
            }
        }

        return DurationBuckets.Length;
    }

    private readonly record struct FastKey(Workload Source, Workload? Destination, string Service, int Status, ResponseFlags Flags);

    private sealed class FastKeyComparer : IEqualityComparer<FastKey>
    {
        public bool Equals(FastKey x, FastKey y) => ReferenceEquals(x.Source, y.Source) && ReferenceEquals(x.Destination, y.Destination) &&
            ReferenceEquals(x.Service, y.Service) && x.Status == y.Status && x.Flags == y.Flags;

        public int GetHashCode(FastKey k) => HashCode.Combine(
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Source), k.Destination is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Destination),
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Service), k.Status, k.Flags);
    }

    public readonly record struct SeriesKey(string SourceWorkload, string SourceApp, string SourceVersion, string DestinationWorkload,
        string DestinationApp, string DestinationVersion, string Service, int Code, string Flags);

    public sealed class Series
    {
        public long Count { get; set; }

        public double Sum { get; set; }

        /// <summary>Per bucket (not cumulative); the last is +Inf.</summary>
        public long[] Buckets { get; } = new long[DurationBuckets.Length + 1];
    }

    private sealed class ServiceWindow
    {
        public long Requests { get; set; }

        public long Succeeded { get; set; }

        public long Received { get; set; }

        public LatencyHistogram Latency { get; } = new();
    }
}

/// <summary>One service over one interval: calls to it, their successes, the attempts its replicas took, and the callers' p99.</summary>
public sealed record TimelineRow(TimeSpan At, string Service, long Requests, long Succeeded, long Received, TimeSpan? P99, TimeSpan Interval)
{
    public double SuccessRate => Requests == 0 ? 1 : (double)Succeeded / Requests;

    public double RequestsPerSecond => Requests / Interval.TotalSeconds;

    public double LoadPerSecond => Received / Interval.TotalSeconds;
}

/// <summary>Latencies in log buckets 2 % wide, from 1 µs to over an hour: percentiles within 2 %.</summary>
public sealed class LatencyHistogram
{
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly Dictionary<int, long> _buckets = [];

    public long Count { get; private set; }

    public void Record(TimeSpan value)
    {
        var micros = Math.Max(1, value.TotalMicroseconds);
        var bucket = (int)Math.Ceiling(Math.Log(micros) / LogGrowth);
        _buckets[bucket] = _buckets.GetValueOrDefault(bucket) + 1;
        Count++;
    }

    /// <summary>The upper bound of the bucket holding the percentile.</summary>
    public TimeSpan Percentile(double percentile)
    {
        var rank = (long)Math.Ceiling(percentile / 100 * Count);
        var seen = 0L;
        foreach (var (bucket, count) in _buckets.OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds(Math.Pow(Growth, bucket));
            }
        }

        return TimeSpan.Zero;
    }
}
