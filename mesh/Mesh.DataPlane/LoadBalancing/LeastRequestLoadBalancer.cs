using Mesh.DataPlane.Clusters;

namespace Mesh.DataPlane.LoadBalancing;

/// <summary>
/// LEAST_REQUEST (Istio's default): power of two choices. Two distinct endpoints are drawn at random and the one
/// with fewer requests in flight wins; a tie goes to the first drawn.
/// </summary>
public sealed class LeastRequestLoadBalancer : ILoadBalancer
{
    public string Name => "LEAST_REQUEST";

    public EndpointState? Pick(IReadOnlyList<EndpointState> available, in LoadBalancingContext context)
    {
        switch (available.Count)
        {
            case 0:
                return null;
            case 1:
                return available[0];
        }

        var first = context.Random.Next(available.Count);
        var second = context.Random.Next(available.Count - 1);
        if (second >= first)
        {
            second++;
        }

        var a = available[first];
        var b = available[second];
        return b.ActiveRequests < a.ActiveRequests ? b : a;
    }
}
