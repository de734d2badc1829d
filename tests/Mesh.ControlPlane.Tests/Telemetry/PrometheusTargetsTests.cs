using System.Net.Http.Json;
using System.Text.Json;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Telemetry;

/// <summary>The control plane tells Prometheus what to scrape (HTTP service discovery): every connected proxy's stats.</summary>
public sealed class PrometheusTargetsTests
{
    [Fact]
    public async Task Targets_AreTheConnectedProxiesAdminListeners_WithIstiosPodLabels()
    {
        using var config = new TempDirectory();
        await using var controlPlane = await ControlPlaneHost.StartAsync(config.Path);
        using var http = controlPlane.AdminClient();
        await using var gateway = await ProxyHost.StartGatewayAsync(controlPlane.GrpcAddress, FreePort.Address());

        var targets = await Eventually.Until(
            () => http.GetFromJsonAsync<JsonElement>(new Uri(controlPlane.AdminAddress, "/api/prometheus/targets")),
            t => t.GetArrayLength() == 1, "the gateway to be a scrape target");

        var target = targets[0];
        Assert.Equal(gateway.AdminAddress.Authority, Assert.Single(target.GetProperty("targets").EnumerateArray()).GetString());
        var labels = target.GetProperty("labels");
        Assert.Equal("/stats/prometheus", labels.GetProperty("__metrics_path__").GetString());
        Assert.Equal("istio-ingressgateway", labels.GetProperty("pod").GetString());
        Assert.Equal("router", labels.GetProperty("proxy_type").GetString());

        // The path it names serves Istio's metrics.
        var stats = await http.GetStringAsync(new Uri(gateway.AdminAddress, "/stats/prometheus"));
        Assert.Contains("mesh_proxy_config_version", stats, StringComparison.Ordinal);
    }
}
