using Mesh.DataPlane.LoadBalancing;
using Mesh.DataPlane.Resilience;
using RetryBudget = Mesh.DataPlane.Resilience.RetryBudget;

namespace Mesh.DataPlane.Clusters;

/// <summary>
/// The live side of a cluster: its endpoints' states, its balancer, its circuit breaker, its outlier detector and
/// its retry budget. It outlives config versions: when a new table arrives, the state of a cluster with the same name
/// is updated, keeping endpoint state for endpoints that remain and each policy object whose settings did not change.
/// </summary>
public sealed class ClusterState : IDisposable
{
    private readonly TimeProvider _time;
    private volatile Snapshot _snapshot;
    private long _retries;

    public ClusterState(ClusterConfig config, TimeProvider time)
    {
        _time = time;
        var policy = config.Policy;
        _snapshot = new Snapshot(
            config,
            config.Endpoints.Select(e => new EndpointState(e)).ToArray(),
            LoadBalancers.Create(policy?.LoadBalancer),
            new ConnectionPoolLimiter(policy?.ConnectionPool),
            new OutlierDetector(policy?.OutlierDetection, time),
            Budget(policy?.RetryBudget, time));
    }

    public ClusterConfig Config => _snapshot.Config;

    public IReadOnlyList<EndpointState> Endpoints => _snapshot.Endpoints;

    public ILoadBalancer LoadBalancer => _snapshot.LoadBalancer;

    public ConnectionPoolLimiter ConnectionPool => _snapshot.ConnectionPool;

    public OutlierDetector OutlierDetector => _snapshot.OutlierDetector;

    public RetryBudget RetryBudget => _snapshot.RetryBudget;

    /// <summary>Retries sent to this cluster (Envoy's <c>upstream_rq_retry</c>).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    public void RecordRetry() => Interlocked.Increment(ref _retries);

    public void Update(ClusterConfig config)
    {
        var old = _snapshot;
        if (ReferenceEquals(old.Config, config))
        {
            return;
        }

        var byAuthority = old.Endpoints.ToDictionary(e => e.Endpoint.Authority);
        var endpoints = config.Endpoints.Select(e => byAuthority.TryGetValue(e.Authority, out var s) && s.Endpoint == e ? s : new EndpointState(e)).ToArray();
        var oldPolicy = old.Config.Policy;
        var policy = config.Policy;
        var pool = Equals(oldPolicy?.ConnectionPool, policy?.ConnectionPool) ? old.ConnectionPool : new ConnectionPoolLimiter(policy?.ConnectionPool);
        _snapshot = new Snapshot(
            config,
            endpoints,
            Equals(oldPolicy?.LoadBalancer, policy?.LoadBalancer) ? old.LoadBalancer : LoadBalancers.Create(policy?.LoadBalancer),
            pool,
            Equals(oldPolicy?.OutlierDetection, policy?.OutlierDetection) ? old.OutlierDetector : new OutlierDetector(policy?.OutlierDetection, _time),
            Equals(oldPolicy?.RetryBudget, policy?.RetryBudget) ? old.RetryBudget : Budget(policy?.RetryBudget, _time));

        // A replaced limiter is not disposed: requests holding its leases finish and release them normally.
    }

    /// <summary>Picks an endpoint among those not ejected, avoiding <paramref name="exclude"/> when others remain.</summary>
    public EndpointState? Pick(in LoadBalancingContext context, IReadOnlyCollection<EndpointState>? exclude = null)
    {
        var snapshot = _snapshot;
        var available = snapshot.OutlierDetector.Available(snapshot.Endpoints);
        if (exclude is { Count: > 0 })
        {
            var others = available.Where(e => !exclude.Contains(e)).ToArray();
            if (others.Length > 0)
            {
                available = others;
            }
        }

        return snapshot.LoadBalancer.Pick(available, context);
    }

    /// <summary>Reports an attempt's outcome to outlier detection.</summary>
    public void Report(EndpointState endpoint, AttemptOutcome outcome)
    {
        var snapshot = _snapshot;
        snapshot.OutlierDetector.Report(endpoint, outcome, snapshot.Endpoints);
    }

    public void Dispose() => _snapshot.ConnectionPool.Dispose();

    /// <summary>
    /// The mesh's retry budget: 20 % of requests plus 10 retries a second by default (Linkerd's defaults). A
    /// DestinationRule's <c>retryBudget.percent</c> sets the share and <c>minRetryConcurrency</c> the floor per second.
    /// </summary>
    private static RetryBudget Budget(Config.Model.Networking.RetryBudget? settings, TimeProvider time) => new(
        (settings?.Percent?.Value ?? RetryBudget.DefaultRatio * 100) / 100,
        settings?.MinRetryConcurrency ?? RetryBudget.DefaultMinRetriesPerSecond,
        time);

    private sealed record Snapshot(
        ClusterConfig Config,
        EndpointState[] Endpoints,
        ILoadBalancer LoadBalancer,
        ConnectionPoolLimiter ConnectionPool,
        OutlierDetector OutlierDetector,
        RetryBudget RetryBudget);
}
