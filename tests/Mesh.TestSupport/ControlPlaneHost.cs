using Mesh.ControlPlane.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.TestSupport;

/// <summary>A real control plane in the test process, on free loopback ports, reading a test's config folder.</summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    private ControlPlaneHost(WebApplication app, string grpc, string http, CapturedLogs logs)
    {
        App = app;
        GrpcAddress = new Uri($"http://{grpc}");
        AdminAddress = new Uri($"http://{http}");
        Logs = logs;
    }

    public WebApplication App { get; }

    public Uri GrpcAddress { get; }

    public Uri AdminAddress { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The operator credential's token, which the admin API accepts.</summary>
    public string OperatorToken => App.Services.GetRequiredService<Mesh.ControlPlane.Admin.OperatorCredentials>().Credential.Token;

    /// <summary>An HTTP client for the admin API that presents the operator credential, as meshctl does.</summary>
    public HttpClient AdminClient()
    {
        var http = new HttpClient { BaseAddress = AdminAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", OperatorToken);
        return http;
    }

    /// <summary>The injection webhook's TLS address, when started with one.</summary>
    public Uri? WebhookAddress { get; private init; }

    public static async Task<ControlPlaneHost> StartAsync(string configDirectory, string? stateDirectory = null, bool webhook = false,
        IDictionary<string, string?>? settings = null)
    {
        var (grpc, http) = (FreePort.Address(), FreePort.Address());
        var webhookAddress = webhook ? FreePort.Address() : null;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ControlPlane:ConfigDirectory"] = configDirectory,
            ["ControlPlane:StateDirectory"] = stateDirectory,
            ["ControlPlane:GrpcListen"] = grpc,
            ["ControlPlane:HttpListen"] = http,
            ["ControlPlane:DebounceAfter"] = "00:00:00.020",
            ["ControlPlane:WebhookListen"] = webhookAddress,
            ["ControlPlane:Namespace"] = "istio-system",
            ["ControlPlane:ProxyImage"] = "registry.example/mesh/mesh-proxy:1.2.3",
            // Tests of other things register workloads without tokens; the security tests turn it on.
            ["ControlPlane:XdsAuth"] = "false",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddControlPlane();
        var app = builder.Build();
        app.MapControlPlane();
        await app.StartAsync();
        return new ControlPlaneHost(app, grpc, http, logs) { WebhookAddress = webhookAddress is null ? null : new Uri($"https://{webhookAddress}") };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
