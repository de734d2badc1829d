namespace Mesh.Simulation.Topology;

/// <summary>
/// Generated meshes for questions at scale: a frontend taking the arrivals, then layers of services, each calling a
/// few of the next layer's with a probability that keeps a request to about two calls per layer (so a request touches
/// about nine services whatever the size). Deterministic: the same arguments give the same mesh.
/// </summary>
public static class SyntheticTopology
{
    public static SimulatedTopology Layered(int services, int replicas, double rate, int layers = 4, TimeSpan? median = null, TimeSpan? p99 = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(services, layers + 1);
        var latency = new LatencyModel(median ?? TimeSpan.FromMilliseconds(2), p99 ?? TimeSpan.FromMilliseconds(8));
        var names = Enumerable.Range(0, services).Select(i => i == 0 ? "frontend" : $"svc-{i:000}").ToArray();
        var perLayer = (services - 1 + layers - 1) / layers;
        string[] Layer(int k) => names.Skip(1 + (k - 1) * perLayer).Take(perLayer).ToArray();
        var models = new List<ServiceModel>();
        for (var i = 0; i < services; i++)
        {
            var layer = i == 0 ? 0 : 1 + (i - 1) / perLayer;
            var next = layer < layers ? Layer(layer + 1) : [];
            // The frontend spreads two calls over the first layer; deeper services call two of the next layer's, each half the time.
            var calls = layer == 0
                ? next.Select(n => new CallModel(n, "/", Math.Min(1, 2.0 / Math.Max(1, next.Length)))).ToArray()
                : next.Length == 0 ? [] : Enumerable.Range(0, 2).Select(j => new CallModel(next[(i * 7 + j * 13) % next.Length], "/", 0.5)).DistinctBy(c => c.To).ToArray();
            models.Add(new ServiceModel(names[i], 9080, [new VersionModel("v1", replicas, latency, 0)], calls, Parallel: false));
        }

        return new SimulatedTopology("default", models, [new IngressModel("frontend", rate, "/", new Dictionary<string, string>())], []);
    }
}
