using System.Text.RegularExpressions;
using Mesh.Proxy.Tests.Resilience;
using Mesh.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Tests.Telemetry;

/// <summary>
/// What a gateway reports about the requests it handles: Istio's metrics with Istio's labels on its Prometheus
/// endpoint, the right response flag on every reply it makes itself, and access log lines that Istio's Telemetry
/// resource turns off.
/// </summary>
[Collection(nameof(TelemetryTests))]
public sealed partial class TelemetryTests
{
    private const string Rules = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web}
        spec:
          host: web
          subsets:
          - {name: ok, labels: {version: ok}}
          - {name: slow, labels: {version: slow}}
          - {name: empty, labels: {version: nobody}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: ["*"]
          gateways: [edge]
          http:
          - match: [{uri: {prefix: /abort}}]
            fault: {abort: {httpStatus: 500, percentage: {value: 100}}}
            route: [{destination: {host: web, subset: ok}}]
          - match: [{uri: {prefix: /slow}}]
            timeout: 200ms
            route: [{destination: {host: web, subset: slow}}]
          - match: [{uri: {prefix: /empty}}]
            route: [{destination: {host: web, subset: empty}}]
          - match: [{uri: {prefix: /ok}}, {uri: {prefix: /ready}}]
            route: [{destination: {host: web, subset: ok}}]
        """;

    /// <summary>The labels Istio puts on <c>istio_requests_total</c> that dashboards and alerts select on.</summary>
    private static readonly string[] IstioLabels =
    [
        "reporter", "source_workload", "source_version", "source_principal", "destination_workload", "destination_version",
        "destination_service", "destination_principal", "request_protocol", "response_code", "grpc_response_status",
        "response_flags", "connection_security_policy",
    ];

    private static Func<int, HttpContext, Task<bool>> Slow => async (_, context) =>
    {
        await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
        return false;
    };

    [Fact]
    public async Task EveryReplyTheProxyMakes_CarriesItsFlag_InTheHeaderAndTheMetric()
    {
        await using var mesh = await GatewayFixture.StartAsync(Rules, ("ok", null), ("slow", Slow));

        var expected = new Dictionary<string, (int Status, string Flags)>
        {
            ["/ok/unique-path-7f3a"] = (200, "-"),
            ["/abort/unique-path-7f3a"] = (500, "FI"),
            ["/slow/unique-path-7f3a"] = (504, "UT"),
            ["/empty/unique-path-7f3a"] = (503, "UH"),
            ["/nowhere/unique-path-7f3a"] = (404, "NR"),
        };
        foreach (var (path, (status, flags)) in expected)
        {
            var reply = await mesh.GetAsync(path);
            Assert.Equal((status, flags), (reply.Status, reply.Flags == "" ? "-" : reply.Flags));
        }

        var series = await ScrapeAsync(mesh, "istio_requests_total");
        foreach (var (status, flags) in expected.Values)
        {
            Assert.Contains(series, s => s.Labels["response_code"] == status.ToString(System.Globalization.CultureInfo.InvariantCulture) &&
                s.Labels["response_flags"] == flags && s.Labels["reporter"] == "source" && s.Value >= 1);
        }
    }

    [Fact]
    public async Task Metrics_HaveIstiosNamesLabelsAndBuckets_AndNoUnboundedLabel()
    {
        await using var mesh = await GatewayFixture.StartAsync(Rules, ("ok", null), ("slow", Slow));
        static bool Ok(Series s) => s.Labels["response_code"] == "200" && s.Labels["destination_workload"] == "ok";
        var before = (await ScrapeAsync(mesh, "istio_requests_total")).Where(Ok).Sum(s => s.Value);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await mesh.GetAsync($"/ok/item-{i}?q={i}")).Status);
        }

        var text = await mesh.Http.GetStringAsync(new Uri(mesh.Proxy.AdminAddress, "/stats/prometheus"));
        var requests = Parse(text, "istio_requests_total");
        var ok = requests.SingleOrDefault(Ok) ?? throw new Xunit.Sdk.XunitException(text);
        Assert.Equal(20, ok.Value - before);
        Assert.All(IstioLabels, label => Assert.Contains(label, ok.Labels.Keys));
        Assert.Equal("ok", ok.Labels["destination_version"]);
        Assert.Equal("ok", ok.Labels["destination_workload"]);
        Assert.Equal("http", ok.Labels["request_protocol"]);

        // Istio's duration buckets, and the request and response size histograms.
        var buckets = Parse(text, "istio_request_duration_milliseconds_bucket").Select(s => s.Labels["le"]).ToHashSet();
        Assert.Superset(new HashSet<string> { "0.5", "1", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000", "30000", "60000", "300000", "600000", "1800000", "3600000", "+Inf" }, buckets);
        Assert.Contains(Parse(text, "istio_response_bytes_count"), s => s.Value >= 20);
        Assert.Contains(Parse(text, "istio_request_bytes_count"), s => s.Value >= 20);
        Assert.Contains(Parse(text, "istio_tcp_connections_opened_total"), s => s.Value >= 1);
        Assert.Contains(Parse(text, "envoy_http_downstream_rq_active"), _ => true);
        Assert.Contains(Parse(text, "mesh_proxy_config_version"), s => s.Value >= 1);

        // No label is the path (or carries any part of it): a label per URL would grow without bound.
        var istio = text.Split('\n').Where(l => l.StartsWith("istio_", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(istio, line => line.Contains("item-", StringComparison.Ordinal) || line.Contains("path=", StringComparison.Ordinal) || line.Contains("url=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccessLog_WritesEnvoysFields_UntilATelemetryResourceTurnsItOff()
    {
        await using var mesh = await GatewayFixture.StartAsync(Rules, ("ok", null), ("slow", Slow));

        await mesh.GetAsync("/abort/logged-once");
        var line = Assert.Single(AccessLines(mesh), l => l.Contains("/abort/logged-once", StringComparison.Ordinal));
        using var json = System.Text.Json.JsonDocument.Parse(line[line.IndexOf('{', StringComparison.Ordinal)..]);
        var fields = json.RootElement;
        Assert.Equal("GET", fields.GetProperty("method").GetString());
        Assert.Equal(500, fields.GetProperty("response_code").GetInt32());
        Assert.Equal("FI", fields.GetProperty("response_flags").GetString());
        Assert.Equal("HTTP/1.1", fields.GetProperty("protocol").GetString());
        Assert.Equal(mesh.Gateway, fields.GetProperty("authority").GetString());
        Assert.False(string.IsNullOrEmpty(fields.GetProperty("request_id").GetString()));
        foreach (var field in new[] { "start_time", "bytes_received", "bytes_sent", "duration", "upstream_host" })
        {
            Assert.True(fields.TryGetProperty(field, out _), $"no {field}");
        }

        await mesh.GetAsync("/ok/with-upstream");
        Assert.Contains(AccessLines(mesh), l => l.Contains("/ok/with-upstream", StringComparison.Ordinal) && l.Contains("\"upstream_host\":\"127.0.0.1:", StringComparison.Ordinal));

        mesh.WriteConfig("telemetry.yaml", """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: quiet-gateway}
            spec:
              selector: {matchLabels: {istio: ingressgateway}}
              accessLogging:
              - disabled: true
            """);
        var probe = 0;
        await Eventually.Until(async () =>
        {
            var path = $"/ok/probe-{++probe}";
            await mesh.GetAsync(path);
            return !AccessLines(mesh).Any(l => l.Contains(path + "\"", StringComparison.Ordinal));
        }, off => off, "access logs to turn off");

        await mesh.GetAsync("/ok/after-off");
        Assert.DoesNotContain(AccessLines(mesh), l => l.Contains("/ok/after-off", StringComparison.Ordinal));
    }

    private static string[] AccessLines(GatewayFixture mesh) =>
        mesh.Proxy.Logs.Lines.Where(l => l.Contains("Mesh.Proxy.AccessLog", StringComparison.Ordinal)).ToArray();

    private static async Task<IReadOnlyList<Series>> ScrapeAsync(GatewayFixture mesh, string name) =>
        Parse(await mesh.Http.GetStringAsync(new Uri(mesh.Proxy.AdminAddress, "/stats/prometheus")), name);

    private sealed record Series(IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>The series of one metric in Prometheus' text format.</summary>
    private static List<Series> Parse(string text, string name) =>
        text.Split('\n')
            .Select(line => SeriesLine().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Select(m => new Series(
                LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value),
                double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)")]
    private static partial Regex SeriesLine();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}

/// <summary>
/// OpenTelemetry listens to meters by name, process-wide, so proxies of other test classes running at the same time
/// would add to this class's series: these tests run alone.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTestsCollection;
