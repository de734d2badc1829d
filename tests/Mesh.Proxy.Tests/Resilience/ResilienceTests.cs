using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Tests.Resilience;

/// <summary>Timeouts, retries, the retry budget, circuit breaking, outlier ejection and fault injection through a real gateway.</summary>
public sealed class ResilienceTests
{
    private const string Subsets = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web}
        spec:
          host: web
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
        {0}
        ---

        """;

    private static Func<int, HttpContext, Task<bool>> Always(int status) => (_, context) =>
    {
        context.Response.StatusCode = status;
        return Task.FromResult(true);
    };

    private static Func<int, HttpContext, Task<bool>> Slow(TimeSpan delay) => async (_, context) =>
    {
        await Task.Delay(delay, context.RequestAborted);
        return false;
    };

    private static string Rule(string routeExtras, string policy = "") =>
        Subsets.Replace("{0}", policy, StringComparison.Ordinal) + $$$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: ["*"]
          gateways: [edge]
          http:
          - route: [{destination: {host: web}}]
        {{{routeExtras}}}
        """;

    [Fact]
    public async Task Retries_HideAnEndpointThatFails()
    {
        await using var mesh = await GatewayFixture.StartAsync(Rule("    retries: {attempts: 3, retryOn: 5xx}"), ("bad", Always(503)), ("good", null));

        var results = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            results.Add((await mesh.GetAsync($"/r{i}")).Status);
        }

        Assert.All(results, status => Assert.Equal(200, status));
        Assert.True(mesh.Backends["bad"].Requests > 0, "the failing endpoint was never tried, so nothing was hidden");
    }

    [Fact]
    public async Task RetriesOff_FailuresReachTheClient()
    {
        await using var mesh = await GatewayFixture.StartAsync(Rule("    retries: {attempts: 0}"), ("bad", Always(503)), ("good", null));

        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await mesh.GetAsync($"/r{i}")).Status);
        }

        Assert.Contains(503, statuses);
        Assert.Contains(200, statuses);
    }

    [Fact]
    public async Task RetryBudget_KeepsAFailingDestinationsLoadNearItsRequestRate()
    {
        await using var mesh = await GatewayFixture.StartAsync(
            Rule("    retries: {attempts: 3, retryOn: 5xx}", "    retryBudget: {percent: {value: 20}, minRetryConcurrency: 1}"), ("bad", Always(503)));

        var flags = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            flags.Add((await mesh.GetAsync($"/r{i}")).Flags);
        }

        // Without the budget: 400 attempts. With it: the 100 requests, 20 % of them, and a floor of 1/s over 10 s.
        Assert.InRange(mesh.Backends["bad"].Requests, 100, 100 + 20 + 10);
        Assert.Contains(flags, f => f.Contains("URX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RouteTimeout_Is504WithUT()
    {
        await using var mesh = await GatewayFixture.StartAsync(Rule("    timeout: 200ms"), ("slow", Slow(TimeSpan.FromSeconds(5))));

        var (status, flags, _) = await mesh.GetAsync("/slow");

        Assert.Equal(504, status);
        Assert.Equal("UT", flags);
    }

    [Fact]
    public async Task PerTryTimeout_RetriesOnAnotherEndpoint()
    {
        await using var mesh = await GatewayFixture.StartAsync(
            Rule("    retries: {attempts: 2, perTryTimeout: 300ms, retryOn: 5xx}"), ("stuck", Slow(TimeSpan.FromSeconds(10))), ("fast", null));

        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await mesh.GetAsync($"/r{i}")).Status);
        }

        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.True(mesh.Backends["stuck"].Requests > 0);
    }

    [Fact]
    public async Task CircuitBreaker_OverflowIs503WithUO_AtOnce()
    {
        await using var mesh = await GatewayFixture.StartAsync(
            Rule("    retries: {attempts: 0}", "    connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}"),
            ("slow", Slow(TimeSpan.FromMilliseconds(1500))));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => mesh.GetAsync($"/r{i}")));

        Assert.Equal(2, results.Count(r => r.Status == 200));
        Assert.Equal(4, results.Count(r => r.Status == 503 && r.Flags == "UO"));
        Assert.Equal(2, mesh.Backends["slow"].Requests);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("    connectionPool: {tcp: {maxConnections: 1}, http: {maxRequestsPerConnection: 1}}", 5)]
    public async Task MaxRequestsPerConnection_OpensAFreshConnectionAfterEachN(string policy, int connections)
    {
        await using var mesh = await GatewayFixture.StartAsync(Rule("", policy), ("web", null));

        var seen = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            seen.Add(Mesh.TestSupport.EchoedRequest.Parse((await mesh.GetAsync($"/r{i}")).Body).ConnectionId);
        }

        Assert.Equal(connections, seen.Count);
    }

    [Fact]
    public async Task OutlierDetection_EjectsTheFailingEndpoint()
    {
        await using var mesh = await GatewayFixture.StartAsync(
            Rule("    retries: {attempts: 0}", "    outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}"),
            ("bad", Always(500)), ("good", null));

        for (var i = 0; i < 6; i++)
        {
            await mesh.GetAsync($"/warmup{i}");
        }

        var badBefore = mesh.Backends["bad"].Requests;
        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await mesh.GetAsync($"/r{i}")).Status);
        }

        Assert.InRange(badBefore, 1, 2);
        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(badBefore, mesh.Backends["bad"].Requests);
    }

    [Fact]
    public async Task FaultAbort_IsAnsweredLocallyWithFI_AndNotRetried()
    {
        await using var mesh = await GatewayFixture.StartAsync(
            Rule("    retries: {attempts: 3, retryOn: 5xx}\n    fault: {abort: {httpStatus: 500, percentage: {value: 100}}}"), ("good", null));

        var (status, flags, _) = await mesh.GetAsync("/x");

        Assert.Equal(500, status);
        Assert.Equal("FI", flags);
        Assert.Equal(0, mesh.Backends["good"].Requests);
    }

    [Fact]
    public async Task FaultDelay_IsFlaggedDI_ThenForwarded()
    {
        await using var mesh = await GatewayFixture.StartAsync(Rule("    fault: {delay: {fixedDelay: 100ms, percentage: {value: 100}}}"), ("good", null));

        var (status, flags, _) = await mesh.GetAsync("/x");

        Assert.Equal(200, status);
        Assert.Equal("DI", flags);
        Assert.Equal(1, mesh.Backends["good"].Requests);
    }

    [Fact]
    public async Task RequestBody_IsReplayedOnRetry_UnlessTooLargeToBuffer()
    {
        await using var mesh = await GatewayFixture.StartAsync(
            Rule("    retries: {attempts: 1, retryOn: 5xx}"), ("flaky", async (n, context) =>
            {
                // Like an app that reads the request, then fails: every other request answers 503.
                await context.Request.Body.CopyToAsync(Stream.Null);
                if (n % 2 == 0)
                {
                    return false;
                }

                context.Response.StatusCode = 503;
                return true;
            }));

        using var small = await mesh.Http.PostAsync(mesh.Url("/small"), new StringContent("hello body"));
        using var large = await mesh.Http.PostAsync(mesh.Url("/large"), new ByteArrayContent(new byte[200 * 1024]));

        Assert.Equal(200, (int)small.StatusCode);
        Assert.Contains("\"content-length\":\"10\"", await small.Content.ReadAsStringAsync());
        Assert.Equal(503, (int)large.StatusCode);
        Assert.Equal(3, mesh.Backends["flaky"].Requests);
    }
}
