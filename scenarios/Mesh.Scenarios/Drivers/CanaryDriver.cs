using System.Globalization;
using Mesh.Chaos.Rollouts;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Shifts a service's traffic between its stable subset and a canary subset by writing its VirtualService, and reads
/// the canary's live golden signals from Prometheus (as the destination sidecar reports them), for
/// <see cref="CanaryRollout"/>.
/// </summary>
public sealed class CanaryDriver(MeshConfigDriver config, PrometheusDriver prometheus) : ICanaryTarget
{
    public string Service { get; set; } = "reviews";

    public string Stable { get; set; } = "v1";

    public string Canary { get; set; } = "v3";

    /// <summary>Runs after each step is judged (the scenario uses it to break the canary mid-way).</summary>
    public List<Func<CanaryStep, Task>> AfterStep { get; } = [];

    public CanaryResult? Result { get; set; }

    public Task SetCanaryWeightAsync(int percent, CancellationToken cancellationToken) =>
        config.ApplyTextAsync(VirtualService(percent), $"canary/{Service}-{Canary}-{percent}.yaml");

    public async Task<CanaryMeasurement> MeasureAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var range = string.Create(CultureInfo.InvariantCulture, $"[{(int)window.TotalSeconds}s]");
        var selector = $"reporter=\"destination\",destination_workload=\"{Service}-{Canary}\"";
        var requests = await ScalarAsync($"sum(increase(istio_requests_total{{{selector}}}{range}))", cancellationToken);
        var errors = await ScalarAsync($"sum(increase(istio_requests_total{{{selector},response_code=~\"5..\"}}{range}))", cancellationToken);
        var p99 = await ScalarAsync($"histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{{{selector}}}{range})))", cancellationToken);
        return new CanaryMeasurement(
            (long)Math.Round(requests),
            requests > 0 ? 100 * errors / requests : 0,
            TimeSpan.FromMilliseconds(double.IsFinite(p99) ? p99 : 0));
    }

    /// <summary>The VirtualService that sends <paramref name="percent"/> to the canary and the rest to the stable subset.</summary>
    public string VirtualService(int percent) => string.Create(CultureInfo.InvariantCulture, $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: {Service}
        spec:
          hosts:
          - {Service}
          http:
          - route:
            - destination:
                host: {Service}
                subset: {Stable}
              weight: {100 - percent}
            - destination:
                host: {Service}
                subset: {Canary}
              weight: {percent}
        """);

    private async Task<double> ScalarAsync(string query, CancellationToken cancellationToken)
    {
        var (_, value) = await prometheus.ScalarAsync(query, at: null, cancellationToken);
        return double.IsNaN(value) ? 0 : value;
    }
}
