using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

/// <summary>Weighted splits, checked exactly with an injected random source.</summary>
public class WeightedRoutingTests
{
    private static CompiledRoute Split(int v1, int v2, int v3) => Mesh.Route(Mesh.Build(Mesh.ReviewsSubsets + $$"""

        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
              weight: {{v1}}
            - destination: {host: reviews, subset: v2}
              weight: {{v2}}
            - destination: {host: reviews, subset: v3}
              weight: {{v3}}
        """).Table, "reviews", "/")!;

    [Theory]
    [InlineData(0, "v1")]
    [InlineData(69, "v1")]
    [InlineData(70, "v2")]
    [InlineData(89, "v2")]
    [InlineData(90, "v3")]
    [InlineData(99, "v3")]
    public void PickCluster_MapsEachDrawToItsWeightBand(int draw, string subset)
    {
        var random = new ScriptedRandom(draw);

        var picked = Split(70, 20, 10).PickCluster(random)!;

        Assert.Equal($"outbound|9080|{subset}|reviews.default.svc.cluster.local", picked.Cluster);
        Assert.Equal([100], random.Bounds);
    }

    [Fact]
    public void PickCluster_OverEveryDraw_GivesExactlyTheWeights()
    {
        var route = Split(50, 0, 50);
        var counts = Enumerable.Range(0, 100).Select(d => route.PickCluster(new ScriptedRandom(d))!.Cluster)
            .GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(50, counts["outbound|9080|v1|reviews.default.svc.cluster.local"]);
        Assert.Equal(50, counts["outbound|9080|v3|reviews.default.svc.cluster.local"]);
        Assert.False(counts.ContainsKey("outbound|9080|v2|reviews.default.svc.cluster.local"));
    }

    [Fact]
    public void RelativeWeights_AreNormalizedByTheirTotal_AsEnvoyDoes()
    {
        // Istio's weights need not sum to 100: 33/33/33 is three equal thirds, drawn over a total of 99.
        var route = Split(33, 33, 33);
        var draws = Enumerable.Range(0, 99).Select(d => new ScriptedRandom(d)).ToArray();
        var counts = draws.Select(r => route.PickCluster(r)!.Cluster).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(draws, r => Assert.Equal([99], r.Bounds));
        Assert.Equal([33, 33, 33], counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value));
        Assert.Equal(3, Split(1, 1, 1).PickCluster(new ScriptedRandom(2)) is { } third && third.Cluster.Contains("|v3|", StringComparison.Ordinal) ? 3 : 0);
    }

    [Fact]
    public void SingleDestination_NeedsNoDraw()
    {
        var random = new ScriptedRandom(0);
        var route = Mesh.Route(Mesh.Build(Mesh.ReviewsSubsets + """

            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route: [{destination: {host: reviews, subset: v2}}]
            """).Table, "reviews", "/")!;

        Assert.Equal("outbound|9080|v2|reviews.default.svc.cluster.local", route.PickCluster(random)!.Cluster);
        Assert.Empty(random.Bounds);
    }
}
