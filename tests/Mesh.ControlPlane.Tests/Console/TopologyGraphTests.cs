using Mesh.ControlPlane.Console;

namespace Mesh.ControlPlane.Tests.Console;

/// <summary>The console's graph from Prometheus vectors: nodes, the live split, errors, p99, mTLS and health.</summary>
public sealed class TopologyGraphTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private static readonly HashSet<string> Gateways = ["istio-ingressgateway"];

    [Fact]
    public void VersionedApp_PutsTheServiceBetweenCallerAndVersions_WithEachVersionsShare()
    {
        var graph = Build(GraphType.VersionedApp,
            [Call("productpage-v1", "reviews-v1", "200", 8), Call("productpage-v1", "reviews-v2", "200", 1.5), Call("productpage-v1", "reviews-v2", "503", 0.5)]);

        Assert.Equal(["app:default/productpage/v1", "app:default/reviews/v1", "app:default/reviews/v2", "service:default/reviews"], graph.Nodes.Select(n => n.Id));
        var toService = Edge(graph, "app:default/productpage/v1", "service:default/reviews");
        Assert.Equal(10, toService.Rps, 6);
        Assert.Equal(1, toService.Share, 6);
        var v1 = Edge(graph, "service:default/reviews", "app:default/reviews/v1");
        var v2 = Edge(graph, "service:default/reviews", "app:default/reviews/v2");
        Assert.Equal((0.8, 0.2), (Math.Round(v1.Share, 6), Math.Round(v2.Share, 6)));
        Assert.Equal(0.25, v2.ErrorRate, 6);
        Assert.Equal(Health.Failing, v2.Health);
        Assert.Equal(Health.Healthy, v1.Health);
        Assert.Equal(new Dictionary<string, double> { ["200"] = 1.5, ["503"] = 0.5 }, v2.ByCode);
        Assert.Equal(Health.Degraded, Node(graph, "service:default/reviews").Health); // 5 % of what reached it failed
    }

    [Fact]
    public void WorkloadGraph_LinksWorkloads_AndEndsCallsThatReachedNoWorkloadAtTheService()
    {
        var graph = Build(GraphType.Workload,
            [Call("istio-ingressgateway", "productpage-v1", "200", 4), Call("productpage-v1", "unknown", "503", 1, ("destination_service_name", "reviews"))]);

        Assert.Equal("gateway", Node(graph, "workload:default/istio-ingressgateway").Kind);
        Assert.Equal(4, Edge(graph, "workload:default/istio-ingressgateway", "workload:default/productpage-v1").Rps, 6);
        var unreached = Edge(graph, "workload:default/productpage-v1", "service:default/reviews");
        Assert.Equal(1, unreached.ErrorRate, 6);
        Assert.Equal(Health.Healthy, Node(graph, "workload:default/istio-ingressgateway").Health); // judged by what it sent
    }

    [Fact]
    public void P99_GoesToTheEdgeThatReachedTheWorkload_AndByServiceToTheEdgeIntoTheService()
    {
        var p99 = new[]
        {
            Call("productpage-v1", "reviews-v1", null, 42),
            new Sample(new Dictionary<string, string>
            {
                ["source_workload"] = "productpage-v1", ["source_workload_namespace"] = "default", ["source_app"] = "productpage",
                ["source_version"] = "v1", ["destination_service_name"] = "reviews",
            }, 57),
        };
        var graph = TopologyGraph.Build(GraphType.VersionedApp, "1m", At, [Call("productpage-v1", "reviews-v1", "200", 3)], p99, [], Gateways, new HealthThresholds());

        Assert.Equal(42, Edge(graph, "service:default/reviews", "app:default/reviews/v1").P99);
        Assert.Equal(57, Edge(graph, "app:default/productpage/v1", "service:default/reviews").P99);
    }

    [Fact]
    public void MutualTlsShare_ComesFromTheDestinationsReport()
    {
        var security = new[]
        {
            Call("productpage-v1", "reviews-v1", null, 3, ("connection_security_policy", "mutual_tls")),
            Call("productpage-v1", "reviews-v2", null, 1, ("connection_security_policy", "none")),
        };
        var graph = TopologyGraph.Build(GraphType.Workload, "1m", At,
            [Call("productpage-v1", "reviews-v1", "200", 3), Call("productpage-v1", "reviews-v2", "200", 1)], [], security, Gateways, new HealthThresholds());

        Assert.Equal(1, Edge(graph, "workload:default/productpage-v1", "workload:default/reviews-v1").MtlsShare);
        Assert.Equal(0, Edge(graph, "workload:default/productpage-v1", "workload:default/reviews-v2").MtlsShare);
    }

    [Theory]
    [InlineData(0, 0, Health.Idle)]
    [InlineData(5, 0.009, Health.Healthy)]
    [InlineData(5, 0.01, Health.Degraded)]
    [InlineData(5, 0.2, Health.Failing)]
    public void Health_FollowsTheErrorRateThresholds(double rps, double errorRate, Health expected) =>
        Assert.Equal(expected, new HealthThresholds(0.01, 0.2).Of(rps, errorRate));

    [Theory]
    [InlineData("503", true)]
    [InlineData("500", true)]
    [InlineData("0", true)]
    [InlineData("404", false)]
    [InlineData("200", false)]
    public void Errors_Are5xxOrNoAnswer(string code, bool error) => Assert.Equal(error, TopologyGraph.IsError(code));

    private static TopologyGraph Build(GraphType type, Sample[] requests) =>
        TopologyGraph.Build(type, "1m", At, requests, [], [], Gateways, new HealthThresholds());

    private static GraphEdge Edge(TopologyGraph graph, string from, string to) => Assert.Single(graph.Edges, e => e.Source == from && e.Target == to);

    private static GraphNode Node(TopologyGraph graph, string id) => Assert.Single(graph.Nodes, n => n.Id == id);

    /// <summary>A series as the source proxy labels it (workload names are app-version, as the AppHost names them).</summary>
    private static Sample Call(string source, string destination, string? code, double value, params (string Name, string Value)[] extra)
    {
        static (string App, string Version) Split(string workload) =>
            workload.LastIndexOf('-') is var dash and > 0 && workload[(dash + 1)..].StartsWith('v') ? (workload[..dash], workload[(dash + 1)..]) : (workload, "unknown");
        var (sourceApp, sourceVersion) = Split(source);
        var (destinationApp, destinationVersion) = destination == "unknown" ? ("unknown", "unknown") : Split(destination);
        var labels = new Dictionary<string, string>
        {
            ["source_workload"] = source, ["source_workload_namespace"] = "default", ["source_app"] = sourceApp, ["source_version"] = sourceVersion,
            ["destination_workload"] = destination, ["destination_workload_namespace"] = destination == "unknown" ? "unknown" : "default",
            ["destination_app"] = destinationApp, ["destination_version"] = destinationVersion,
            ["destination_service_name"] = destination == "unknown" ? "unknown" : destinationApp,
        };
        if (code is not null)
        {
            labels["response_code"] = code;
        }

        foreach (var (name, text) in extra)
        {
            labels[name] = text;
        }

        return new Sample(labels, value);
    }
}
