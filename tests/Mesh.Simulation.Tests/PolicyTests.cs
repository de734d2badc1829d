using Xunit.Abstractions;
using Mesh.Simulation.Topology;

namespace Mesh.Simulation.Tests;

/// <summary>The sidecar's own policies, run at a scale and length no real test here can: what operators ask.</summary>
public sealed class PolicyTests(ITestOutputHelper output)
{
    [Fact]
    public void RetryStorm_IsCappedByTheRetryBudget_AndOnlyWithItTheMeshRecovers()
    {
        var topology = SimulatedTopology.Load(Simulate.Sample("retry-storm/topology.yaml"));

        var storm = Simulate.Run(topology, Simulate.ConfigFile("retry-storm/without-budget.yaml"), TimeSpan.FromSeconds(150));
        var budgeted = Simulate.Run(topology, Simulate.ConfigFile("retry-storm/with-budget.yaml"), TimeSpan.FromSeconds(150));

        // From 60 s to 120 s payments is 4x slower and fails a fifth of its calls. Without a budget every call to it
        // soon uses all four attempts (queues grow past the 100 ms per-try timeout); the budget (20 % of requests + 10 a
        // second) holds it near 1.2. And once payments is well again, only the budgeted mesh comes back: without the
        // budget the retries alone keep it saturated (a metastable failure).
        var failing = (From: TimeSpan.FromSeconds(70), To: TimeSpan.FromSeconds(120));
        var stormLoad = storm.LoadPerCall("payments", failing.From, failing.To);
        var budgetLoad = budgeted.LoadPerCall("payments", failing.From, failing.To);
        output.WriteLine($"payments load per call: without budget {stormLoad:0.00}, with budget {budgetLoad:0.00}; budget refused {budgeted.BudgetExhausted("payments")} retries");
        Assert.InRange(stormLoad, 3.5, 4.1); // four attempts at most (a little over, at the edges of the window)
        Assert.InRange(budgetLoad, 1.1, 1.3);
        Assert.Equal(0, storm.BudgetExhausted("payments"));
        Assert.True(budgeted.BudgetExhausted("payments") > 0);
        var recovered = (From: TimeSpan.FromSeconds(140), To: TimeSpan.FromSeconds(150));
        Assert.All(budgeted.Metrics.Timeline.Where(r => r.Service == "web" && r.At > recovered.From && r.At <= recovered.To), r => Assert.Equal(1.0, r.SuccessRate));
        Assert.All(storm.Metrics.Timeline.Where(r => r.Service == "web" && r.At > recovered.From && r.At <= recovered.To), r => Assert.True(r.SuccessRate < 0.05));
    }

    [Fact]
    public void OneFailingReplicaOfThree_IsEjected_AndCallersStopSeeingErrors()
    {
        var topology = SimulatedTopology.Parse("""
            services:
            - name: web
              versions: [{version: v1, replicas: 1}]
              calls: [{to: reviews}]
            - name: reviews
              versions: [{version: v1, replicas: 3}]
            ingress: [{service: web, rate: 100}]
            events:
            - {at: 10s, service: reviews, replica: 1, errorRate: 1}
            """, "ejection.yaml");
        var config = Simulate.Config("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              trafficPolicy:
                outlierDetection: {consecutive5xxErrors: 5, interval: 1s, baseEjectionTime: 5m, maxEjectionPercent: 50}
            """);

        var result = Simulate.Run(topology, config, TimeSpan.FromSeconds(60));

        var after = result.Metrics.Timeline.Where(r => r.Service == "reviews" && r.At > TimeSpan.FromSeconds(20)).ToArray();
        output.WriteLine($"ejections {result.Ejections("reviews")}, failed calls to reviews {result.RequestsTo("reviews") - result.SucceededTo("reviews")}");
        Assert.Equal(1, result.Ejections("reviews"));
        Assert.All(after, r => Assert.Equal(1.0, r.SuccessRate));
        Assert.InRange(result.RequestsTo("reviews") - result.SucceededTo("reviews"), 0, 15); // Istio's default retries hide most of the five
    }

    [Fact]
    public void EightyTwentySplit_IsMetAtScale()
    {
        var topology = SimulatedTopology.Load(Simulate.Sample("bookinfo/topology.yaml"));

        var result = Simulate.Run(topology, ReviewsSplit(80, 20), TimeSpan.FromSeconds(600));

        // 30 000 calls: the binomial standard deviation is 0.23 points, so 1 point is over four of them.
        Assert.InRange(result.ShareOf("reviews", "v1"), 0.79, 0.81);
        Assert.InRange(result.ShareOf("reviews", "v2"), 0.19, 0.21);
        Assert.Equal(0, result.ShareOf("reviews", "v3"));
    }

    [Fact]
    public void CircuitBreaker_OverflowsAreMarkedUO()
    {
        // Istio's circuit-breaking task: one connection, one pending request, callers faster than the server.
        var topology = SimulatedTopology.Parse("""
            services:
            - name: client
              versions: [{version: v1, replicas: 1, latency: {median: 1ms}}]
              calls: [{to: httpbin}]
            - name: httpbin
              versions: [{version: v1, replicas: 1, latency: {median: 20ms, p99: 40ms}}]
            ingress: [{service: client, rate: 100}]
            """, "circuit-breaker.yaml");
        var config = Simulate.Config("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: httpbin}
            spec:
              host: httpbin
              trafficPolicy:
                connectionPool:
                  tcp: {maxConnections: 1}
                  http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
            """);

        var result = Simulate.Run(topology, config, TimeSpan.FromSeconds(60));

        var overflows = result.Counted("httpbin", 503, "UO");
        output.WriteLine($"{overflows} of {result.RequestsTo("httpbin")} calls overflowed");
        Assert.Equal(result.Overflows("httpbin"), overflows);
        Assert.InRange((double)overflows / result.RequestsTo("httpbin"), 0.2, 0.95);
    }

    internal static Config.ConfigSet ReviewsSplit(int v1, int v2) => Simulate.Config($"""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {"{"}name: reviews{"}"}
        spec:
          host: reviews
          subsets:
          - {"{"}name: v1, labels: {"{"}version: v1{"}"}{"}"}
          - {"{"}name: v2, labels: {"{"}version: v2{"}"}{"}"}
          - {"{"}name: v3, labels: {"{"}version: v3{"}"}{"}"}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {"{"}name: reviews{"}"}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {"{"}host: reviews, subset: v1{"}"}
              weight: {v1}
            - destination: {"{"}host: reviews, subset: v2{"}"}
              weight: {v2}
        """);
}
