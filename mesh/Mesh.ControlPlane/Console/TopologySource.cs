using System.Globalization;
using System.Text.Json;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Registry;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Console;

/// <summary>
/// Builds the console's graph from live telemetry: PromQL over Istio's standard metrics in the Prometheus that scrapes
/// the proxies, as Kiali does. The control plane's own view of the mesh (the registry) only says which workloads are gateways.
/// </summary>
public sealed class TopologySource(IHttpClientFactory clients, IOptions<ControlPlaneOptions> options, WorkloadRegistry registry, TimeProvider time)
{
    public const string HttpClientName = "prometheus";

    /// <summary>The windows the console offers, as Prometheus range selectors (nothing else reaches a query).</summary>
    public static IReadOnlyList<string> Windows { get; } = ["10s", "30s", "1m", "5m", "10m", "30m", "1h"];

    private const string ByEdge = "source_workload, source_workload_namespace, source_app, source_version, destination_workload, " +
        "destination_workload_namespace, destination_app, destination_version, destination_service_name";

    private const string ByService = "source_workload, source_workload_namespace, source_app, source_version, destination_service_name";

    private readonly HealthThresholds _thresholds = new(options.Value.ConsoleDegradedErrorRate, options.Value.ConsoleFailingErrorRate);

    public bool Enabled => !string.IsNullOrEmpty(options.Value.Prometheus);

    public HealthThresholds Thresholds => _thresholds;

    public static bool TryParseType(string? value, out GraphType type)
    {
        type = string.Equals(value, "workload", StringComparison.OrdinalIgnoreCase) ? GraphType.Workload : GraphType.VersionedApp;
        return value is null || type == GraphType.Workload || string.Equals(value, "versionedApp", StringComparison.OrdinalIgnoreCase);
    }

    public async Task<TopologyGraph> GraphAsync(GraphType type, string window, CancellationToken cancellationToken)
    {
        if (!Windows.Contains(window))
        {
            throw new ArgumentException($"window '{window}' is not one of {string.Join(", ", Windows)}", nameof(window));
        }

        var at = time.GetUtcNow();
        var requests = QueryAsync($"sum by ({ByEdge}, response_code) (rate(istio_requests_total{{reporter=\"source\"}}[{window}]))", at, cancellationToken);
        var p99ByWorkload = QueryAsync(Quantile(ByEdge, window), at, cancellationToken);
        var p99ByService = QueryAsync(Quantile(ByService, window), at, cancellationToken);
        var security = QueryAsync(
            $"sum by ({ByEdge}, connection_security_policy) (rate(istio_requests_total{{reporter=\"destination\"}}[{window}]))", at, cancellationToken);
        var gateways = registry.Snapshot().Workloads.Where(w => w.IsGateway).Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        return TopologyGraph.Build(type, window, at, await requests, [.. await p99ByWorkload, .. await p99ByService], await security, gateways, _thresholds);
    }

    private static string Quantile(string by, string window) =>
        $"histogram_quantile(0.99, sum by ({by}, le) (rate(istio_request_duration_milliseconds_bucket{{reporter=\"source\"}}[{window}])))";

    /// <summary>One instant query; a Prometheus that is down or answers an error becomes an exception with its reason.</summary>
    private async Task<IReadOnlyList<Sample>> QueryAsync(string promql, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var time = (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        var uri = new Uri(new Uri(options.Value.Prometheus!), $"/api/v1/query?query={Uri.EscapeDataString(promql)}&time={time}");
        using var response = await clients.CreateClient(HttpClientName).GetAsync(uri, cancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused a query: {root.GetProperty("error").GetString()}");
        }

        return root.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => new Sample(
                series.GetProperty("metric").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString() ?? "", StringComparer.Ordinal),
                double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
            .ToArray();
    }
}
