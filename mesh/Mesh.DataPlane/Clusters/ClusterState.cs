using Mesh.DataPlane.LoadBalancing;

namespace Mesh.DataPlane.Clusters;

/// <summary>
/// The live side of a cluster: its endpoints' states and its balancer. It outlives config versions: when a new
/// table arrives, the state of a cluster with the same name is updated, keeping the state of endpoints that remain.
/// </summary>
public sealed class ClusterState
{
    private volatile Snapshot _snapshot;

    public ClusterState(ClusterConfig config)
    {
        _snapshot = new Snapshot(config, config.Endpoints.Select(e => new EndpointState(e)).ToArray(), LoadBalancers.Create(config.Policy?.LoadBalancer));
    }

    public ClusterConfig Config => _snapshot.Config;

    public IReadOnlyList<EndpointState> Endpoints => _snapshot.Endpoints;

    public ILoadBalancer LoadBalancer => _snapshot.LoadBalancer;

    public void Update(ClusterConfig config)
    {
        var old = _snapshot;
        if (ReferenceEquals(old.Config, config))
        {
            return;
        }

        var byAuthority = old.Endpoints.ToDictionary(e => e.Endpoint.Authority);
        var endpoints = config.Endpoints.Select(e => byAuthority.TryGetValue(e.Authority, out var s) && s.Endpoint == e ? s : new EndpointState(e)).ToArray();
        var balancer = Equals(old.Config.Policy?.LoadBalancer, config.Policy?.LoadBalancer) ? old.LoadBalancer : LoadBalancers.Create(config.Policy?.LoadBalancer);
        _snapshot = new Snapshot(config, endpoints, balancer);
    }

    public EndpointState? Pick(in LoadBalancingContext context)
    {
        var snapshot = _snapshot;
        return snapshot.LoadBalancer.Pick(snapshot.Endpoints, context);
    }

    private sealed record Snapshot(ClusterConfig Config, EndpointState[] Endpoints, ILoadBalancer LoadBalancer);
}
