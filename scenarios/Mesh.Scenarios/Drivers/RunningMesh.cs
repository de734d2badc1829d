using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// The mesh the scenarios run against: the real AppHost (control plane, gateway, Bookinfo and sidecars as real
/// processes), started once per test run through Aspire.Hosting.Testing and stopped at the end.
/// </summary>
public sealed class RunningMesh : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private RunningMesh(DistributedApplication app, Uri dashboard, string credentials, bool prometheus)
    {
        HasPrometheus = prometheus;
        App = app;
        Dashboard = dashboard;
        GatewayCredentials = credentials;
    }

    /// <summary>Workload certificates live this long in the scenarios' mesh, so rotation happens every few seconds under load.</summary>
    public static readonly TimeSpan CertificateTtl = TimeSpan.FromSeconds(20);

    /// <summary>Where the gateway reads TLS credentials in this run (a fresh folder the scenarios write test certificates into).</summary>
    public string GatewayCredentials { get; }

    public Uri GatewayHttps { get; } = new("https://127.0.0.1:8443");

    public DistributedApplication App { get; }

    public Uri Gateway { get; } = new("http://127.0.0.1:8080");

    public Uri ControlPlane { get; } = new("http://127.0.0.1:15014");

    /// <summary>The control plane's discovery endpoint (gRPC), where proxies register.</summary>
    public Uri Discovery { get; } = new("http://127.0.0.1:15010");

    public Uri Dashboard { get; }

    /// <summary>The operator credential of this mesh, read from <c>~/.mesh/config.json</c> as meshctl reads it.</summary>
    public Mesh.Security.OperatorCredential OperatorCredential { get; private init; } = null!;

    /// <summary>The key the Aspire dashboard's telemetry API asks for (<c>x-api-key</c>).</summary>
    public string? DashboardApiKey { get; private init; }

    /// <summary>Where the app host's context file says the operator credential is.</summary>
    public static Mesh.Security.OperatorCredential LocalCredential()
    {
        var path = Mesh.Security.MeshContext.DefaultPath(Environment.GetEnvironmentVariable);
        var context = Mesh.Security.MeshContext.Read(path) ?? throw new InvalidOperationException($"the app host wrote no {path}");
        return Mesh.Security.OperatorCredential.Read(context.CredentialsFile) ?? throw new InvalidOperationException($"{context.CredentialsFile} does not exist");
    }

    /// <summary>Whether the AppHost runs Prometheus (it does when the Debian package is installed).</summary>
    public bool HasPrometheus { get; }

    /// <summary>The Bookinfo workloads, as the AppHost names them.</summary>
    public static IReadOnlyList<string> Workloads { get; } =
        ["details-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3", "productpage-v1"];

    public static async Task<RunningMesh> StartAsync(CancellationToken cancellationToken)
    {
        // The dashboard stays on (the testing builder turns it off by default) so scenarios can read traces from it.
        var credentials = Directory.CreateTempSubdirectory("mesh-gateway-credentials-").FullName;
        // Aspire's secured defaults stay on: the dashboard asks for its browser token, the resource service for its API key.
        string[] args =
        [
            $"--Mesh:CertificateTtl={CertificateTtl:c}",
            $"--Mesh:GatewayCredentials={credentials}",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            args, (options, _) => options.DisableDashboard = false, cancellationToken);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        var prometheus = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Any(r => r.Name == "prometheus");
        var mesh = new RunningMesh(app, app.GetEndpoint("aspire-dashboard", "http"), credentials, prometheus)
        {
            // The local credential, found the way meshctl finds it: the context file the app host wrote.
            OperatorCredential = LocalCredential(),
            DashboardApiKey = app.Services.GetRequiredService<IConfiguration>()["AppHost:DashboardApiKey"],
        };
        foreach (var resource in Workloads.Append("istio-ingressgateway").Concat(prometheus ? ["prometheus"] : []))
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
        }

        await WarmUpAsync(mesh.Gateway, cancellationToken);
        return mesh;
    }

    /// <summary>
    /// A few product pages one after another, so that the first scenario does not measure every process' JIT and
    /// first connections (on two cores a cold mesh answers its first pages in seconds).
    /// </summary>
    private static async Task WarmUpAsync(Uri gateway, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < 30; i++)
        {
            using var response = await http.GetAsync(new Uri(gateway, "/productpage"), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(GatewayCredentials, recursive: true);
    }
}
