using Mesh.DataPlane.Clusters;

namespace Mesh.DataPlane.LoadBalancing;

/// <summary>ROUND_ROBIN: each endpoint in turn.</summary>
public sealed class RoundRobinLoadBalancer : ILoadBalancer
{
    private uint _next = uint.MaxValue;

    public string Name => "ROUND_ROBIN";

    public EndpointState? Pick(IReadOnlyList<EndpointState> available, in LoadBalancingContext context) =>
        available.Count == 0 ? null : available[(int)(Interlocked.Increment(ref _next) % (uint)available.Count)];
}
