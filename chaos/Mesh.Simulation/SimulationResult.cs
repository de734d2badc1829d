using Mesh.DataPlane.Clusters;
using Mesh.Simulation.Output;
using Mesh.Simulation.Topology;

namespace Mesh.Simulation;

/// <summary>What a run produced: the metrics, the timeline, each sidecar's cluster counters, and how much work it was.</summary>
public sealed record SimulationResult(
    SimulatedTopology Topology,
    int Seed,
    TimeSpan Duration,
    MetricsRecorder Metrics,
    long Events,
    TimeSpan WallTime,
    IReadOnlyList<(string Sidecar, string Cluster, ClusterState State)> Clusters)
{
    public double SuccessPercent => Metrics.IngressRequests == 0 ? 100 : 100.0 * Metrics.IngressSucceeded / Metrics.IngressRequests;

    /// <summary>Calls the sidecars made to a service (each caller's request once, retries not counted).</summary>
    public long RequestsTo(string service) => Metrics.Requests.Where(s => s.Key.Service == service).Sum(s => s.Value.Count);

    public long SucceededTo(string service) => Metrics.Requests.Where(s => s.Key.Service == service && s.Key.Code is >= 200 and < 400).Sum(s => s.Value.Count);

    /// <summary>Attempts the service's replicas took (retries included): the load it carried.</summary>
    public long LoadOn(string service) => Metrics.Timeline.Where(r => r.Service == service).Sum(r => r.Received);

    /// <summary>Attempts the service's replicas took per call sent to it, over the timeline rows closed in (from, to].</summary>
    public double LoadPerCall(string service, TimeSpan from, TimeSpan to)
    {
        var rows = Metrics.Timeline.Where(r => r.Service == service && r.At > from && r.At <= to).ToArray();
        return (double)rows.Sum(r => r.Received) / Math.Max(1, rows.Sum(r => r.Requests));
    }

    /// <summary>The share of calls to a service that a version answered.</summary>
    public double ShareOf(string service, string version)
    {
        var calls = Metrics.Requests.Where(s => s.Key.Service == service && s.Key.DestinationVersion != "unknown").ToArray();
        var total = calls.Sum(s => s.Value.Count);
        return total == 0 ? 0 : (double)calls.Where(s => s.Key.DestinationVersion == version).Sum(s => s.Value.Count) / total;
    }

    /// <summary>Retries the callers' sidecars sent to a service (Envoy's <c>upstream_rq_retry</c>).</summary>
    public long Retries(string service) => Toward(service).Sum(c => c.Retries);

    public long Ejections(string service) => Toward(service).Sum(c => c.OutlierDetector.Ejections);

    public long Overflows(string service) => Toward(service).Sum(c => c.ConnectionPool.Overflows);

    /// <summary>Retries refused because the retry budget was spent.</summary>
    public long BudgetExhausted(string service) => Toward(service).Sum(c => c.RetryBudget.Exhausted);

    private IEnumerable<ClusterState> Toward(string service)
    {
        var host = $"|{service}.{Topology.Namespace}.svc.cluster.local";
        return Clusters.Where(c => c.Cluster.EndsWith(host, StringComparison.Ordinal)).Select(c => c.State);
    }

    /// <summary>Calls to a service answered with a code and carrying a flag (e.g. 503 and UO).</summary>
    public long Counted(string service, int code, string flags) =>
        Metrics.Requests.Where(s => s.Key.Service == service && s.Key.Code == code && s.Key.Flags == flags).Sum(s => s.Value.Count);
}
