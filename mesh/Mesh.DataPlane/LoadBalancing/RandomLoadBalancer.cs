using Mesh.DataPlane.Clusters;

namespace Mesh.DataPlane.LoadBalancing;

/// <summary>RANDOM: a uniform choice.</summary>
public sealed class RandomLoadBalancer : ILoadBalancer
{
    public string Name => "RANDOM";

    public EndpointState? Pick(IReadOnlyList<EndpointState> available, in LoadBalancingContext context) =>
        available.Count == 0 ? null : available[context.Random.Next(available.Count)];
}
