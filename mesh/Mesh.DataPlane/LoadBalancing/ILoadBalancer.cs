using Mesh.DataPlane.Clusters;

namespace Mesh.DataPlane.LoadBalancing;

/// <summary>Chooses one endpoint among the available ones of a cluster. One instance serves one cluster.</summary>
public interface ILoadBalancer
{
    /// <summary>The Istio name of the algorithm, e.g. <c>ROUND_ROBIN</c>.</summary>
    string Name { get; }

    EndpointState? Pick(IReadOnlyList<EndpointState> available, in LoadBalancingContext context);
}
