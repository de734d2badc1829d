using System.Text;
using Mesh.DataPlane.Clusters;

namespace Mesh.DataPlane.LoadBalancing;

/// <summary>
/// consistentHash: the same key always reaches the same endpoint while it is available. Uses rendezvous
/// (highest-random-weight) hashing, so removing an endpoint moves only the keys that were on it.
/// Requests without a key fall back to a random endpoint.
/// </summary>
public sealed class ConsistentHashLoadBalancer : ILoadBalancer
{
    public string Name => "CONSISTENT_HASH";

    public EndpointState? Pick(IReadOnlyList<EndpointState> available, in LoadBalancingContext context)
    {
        if (available.Count == 0)
        {
            return null;
        }

        if (context.HashKey is null)
        {
            return available[context.Random.Next(available.Count)];
        }

        var keyHash = Fnv1a(context.HashKey, 14695981039346656037UL);
        EndpointState? best = null;
        ulong bestScore = 0;
        foreach (var endpoint in available)
        {
            var score = Mix(Fnv1a(endpoint.Endpoint.Authority, keyHash));
            if (best is null || score > bestScore)
            {
                (best, bestScore) = (endpoint, score);
            }
        }

        return best;
    }

    private static ulong Fnv1a(string text, ulong seed)
    {
        var hash = seed;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        return x;
    }
}
