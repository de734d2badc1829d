using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.LoadBalancing;

/// <summary>Creates the balancer a DestinationRule asks for; Istio's default is LEAST_REQUEST.</summary>
public static class LoadBalancers
{
    public static ILoadBalancer Create(LoadBalancerSettings? settings) => settings switch
    {
        { ConsistentHash: not null } => new ConsistentHashLoadBalancer(),
        { Simple: SimpleLoadBalancer.RoundRobin } => new RoundRobinLoadBalancer(),
        { Simple: SimpleLoadBalancer.Random } => new RandomLoadBalancer(),
        _ => new LeastRequestLoadBalancer(),
    };
}
