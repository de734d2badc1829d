using Mesh.Config.Registry;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.LoadBalancing;

namespace Mesh.DataPlane.Tests.LoadBalancing;

public class LoadBalancerTests
{
    private static EndpointState[] Endpoints(int count) => Enumerable.Range(0, count)
        .Select(i => new EndpointState(new ClusterEndpoint("127.0.0.1", 10000 + i, Mesh.Workload($"w{i}", "app", "v1")))).ToArray();

    [Fact]
    public void RoundRobin_VisitsEachEndpointInTurn()
    {
        var endpoints = Endpoints(3);
        var balancer = new RoundRobinLoadBalancer();

        var picks = Enumerable.Range(0, 6).Select(_ => balancer.Pick(endpoints, new(new ScriptedRandom(0)))!.Endpoint.Port).ToArray();

        Assert.Equal([10000, 10001, 10002, 10000, 10001, 10002], picks);
    }

    [Fact]
    public void Random_TakesTheDrawnEndpoint()
    {
        var endpoints = Endpoints(4);

        Assert.Equal(10002, new RandomLoadBalancer().Pick(endpoints, new(new ScriptedRandom(2)))!.Endpoint.Port);
    }

    [Fact]
    public void LeastRequest_OfTwoDrawnEndpoints_TakesTheLessLoaded()
    {
        var endpoints = Endpoints(4);
        endpoints[1].RequestStarted();
        endpoints[1].RequestStarted();
        endpoints[3].RequestStarted();

        // Draws: first index 1, second index 2 of the remaining three (which is endpoint 3).
        var picked = new LeastRequestLoadBalancer().Pick(endpoints, new(new ScriptedRandom(1, 2)))!;

        Assert.Equal(10003, picked.Endpoint.Port);
    }

    [Fact]
    public void LeastRequest_NeverDrawsTheSameEndpointTwice()
    {
        var endpoints = Endpoints(2);
        endpoints[0].RequestStarted();

        // The second draw 0 of the one remaining endpoint must mean endpoint 1, not endpoint 0 again.
        var picked = new LeastRequestLoadBalancer().Pick(endpoints, new(new ScriptedRandom(0, 0)))!;

        Assert.Equal(10001, picked.Endpoint.Port);
    }

    [Fact]
    public void ConsistentHash_SameKeySameEndpoint_AndRemovalMovesOnlyItsKeys()
    {
        var endpoints = Endpoints(5);
        var balancer = new ConsistentHashLoadBalancer();
        var keys = Enumerable.Range(0, 500).Select(i => $"user-{i}").ToArray();
        var before = keys.ToDictionary(k => k, k => balancer.Pick(endpoints, new(new ScriptedRandom(0), k))!);

        var remaining = endpoints.Where(e => e != endpoints[2]).ToArray();
        var after = keys.ToDictionary(k => k, k => balancer.Pick(remaining, new(new ScriptedRandom(0), k))!);

        Assert.All(keys, k => Assert.Same(before[k], balancer.Pick(endpoints, new(new ScriptedRandom(0), k))));
        Assert.All(keys.Where(k => before[k] != endpoints[2]), k => Assert.Same(before[k], after[k]));
        Assert.InRange(before.Values.Count(e => e == endpoints[2]), 50, 150);
    }

    [Fact]
    public void LoadBalancers_DefaultIsLeastRequest_AsInIstio() =>
        Assert.IsType<LeastRequestLoadBalancer>(LoadBalancers.Create(null));
}
