using Mesh.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Mesh.TestSupport;

/// <summary>A real proxy (sidecar or gateway) in the test process, configured the way the AppHost configures one.</summary>
public sealed class ProxyHost : IAsyncDisposable
{
    private ProxyHost(WebApplication app, string admin, CapturedLogs logs)
    {
        App = app;
        AdminAddress = new Uri($"http://{admin}");
        Logs = logs;
    }

    public WebApplication App { get; }

    public Uri AdminAddress { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Starts a gateway listening on <paramref name="gatewayListen"/>.</summary>
    public static Task<ProxyHost> StartGatewayAsync(Uri controlPlane, string gatewayListen, string name = "istio-ingressgateway", bool responseFlagsHeader = false) =>
        StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:ResponseFlagsHeader"] = responseFlagsHeader ? "true" : "false",
            ["Mesh:Mode"] = "Gateway",
            ["Mesh:ControlPlane"] = controlPlane.ToString(),
            ["Mesh:Workload:Name"] = name,
            ["Mesh:Workload:Labels:istio"] = "ingressgateway",
            ["Mesh:Workload:Labels:app"] = name,
            ["Mesh:GatewayListen:0"] = gatewayListen,
        });

    /// <summary>Starts a proxy from raw <c>Mesh:*</c> settings (an admin address is added when missing).</summary>
    public static async Task<ProxyHost> StartAsync(IDictionary<string, string?> settings)
    {
        var admin = settings.TryGetValue("Mesh:Admin", out var configured) && configured is not null ? configured : FreePort.Address();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mesh:Admin"] = admin });
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddMeshProxy();
        var app = builder.Build();
        app.MapMeshProxy();
        await app.StartAsync();
        return new ProxyHost(app, admin, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
