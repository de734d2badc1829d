using Mesh.ControlPlane.Admin;
using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Console;
using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Registry;
using Mesh.ControlPlane.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Mesh.ControlPlane.Hosting;

/// <summary>Wires the control plane: config store, registry, push, the discovery gRPC service and the admin API.</summary>
public static class ControlPlaneHostingExtensions
{
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ControlPlaneOptions.Section).Get<ControlPlaneOptions>() ?? new ControlPlaneOptions();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChangeNotifier>();
        builder.Services.AddSingleton<ControlPlaneMetrics>();
        builder.Services.AddSingleton(sp => new WorkloadRegistry(
            sp.GetRequiredService<ChangeNotifier>(), sp.GetRequiredService<ILogger<WorkloadRegistry>>(), sp.GetRequiredService<TimeProvider>(),
            string.IsNullOrEmpty(options.StateDirectory) ? null : new RegistryStateFile(options.StateDirectory), options.RestoredRegistryGrace));
        builder.Services.AddSingleton<ProxyConnections>();
        builder.Services.AddSingleton(sp => new ConfigStore(
            Path.GetFullPath(options.ConfigDirectory),
            string.IsNullOrEmpty(options.StateDirectory) ? null : new AppliedConfigFile(options.StateDirectory),
            sp.GetRequiredService<WorkloadRegistry>(), sp.GetRequiredService<ChangeNotifier>(), sp.GetRequiredService<ControlPlaneMetrics>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConfigStore>>()));
        builder.Services.AddSingleton<Security.CertificateService>();
        builder.Services.AddSingleton<OperatorCredentials>();
        builder.Services.AddSingleton<AdminAccess>();
        builder.Services.AddSingleton<AdminSurfaceGuard>();
        builder.Services.AddSingleton<ProxyAuthenticator>();
        builder.Services.AddSingleton<InjectionWebhook>();
        builder.Services.AddSingleton<Security.TrustBundlePublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Security.TrustBundlePublisher>());
        builder.Services.AddHostedService<ConfigFolderWatcher>();
        if (string.Equals(options.Discovery, "Kubernetes", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<Kubernetes.KubernetesApi>();
            builder.Services.AddSingleton<Security.ITokenReviewer, Security.KubernetesTokenReviewer>();
            builder.Services.AddSingleton<Kubernetes.KubernetesDiscovery>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Kubernetes.KubernetesDiscovery>());
        }
        else
        {
            builder.Services.AddSingleton<Security.ITokenReviewer, Security.SignedTokenReviewer>();
        }
        builder.Services.AddHostedService<PushCoordinator>();
        // Config dumps arrive on the proxies' streams; they are bounded like every other message a proxy sends.
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 16 * 1024 * 1024);
        builder.Services.AddHttpClient(Console.TopologySource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<Console.TopologySource>();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ControlPlaneMetrics.MeterName).AddPrometheusExporter(o =>
        {
            // Istio's names as they are: istio_requests_total already ends in _total, pilot_xds_pushes never does.
            o.ScrapeResponseCacheDurationMilliseconds = 0;
            o.DisableTotalNameSuffixForCounters = true;
        }));

        // Thousands of proxies reconnect at once after a control-plane restart: a deeper accept queue than Kestrel's 512
        // (the kernel caps it at net.core.somaxconn) keeps the kernel from resetting connections it had no room for.
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 4096);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(Parse(options.GrpcListen), l => l.Protocols = HttpProtocols.Http2);
            kestrel.Listen(Parse(options.HttpListen), l => l.Protocols = HttpProtocols.Http1);
            if (!string.IsNullOrEmpty(options.WebhookListen))
            {
                kestrel.Listen(Parse(options.WebhookListen), l => l.UseHttps(https =>
                    https.ServerCertificateSelector = (_, _) => kestrel.ApplicationServices.GetRequiredService<InjectionWebhook>().Certificate));
            }
        });
        return builder;
    }

    public static WebApplication MapControlPlane(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
        CheckProxyAuthentication(app.Services, options);
        var grpcHost = $"*:{Parse(options.GrpcListen).Port}";
        var httpHost = $"*:{Parse(options.HttpListen).Port}";
        var registry = app.Services.GetRequiredService<WorkloadRegistry>();
        var guard = app.Services.GetRequiredService<AdminSurfaceGuard>();
        var httpPort = Parse(options.HttpListen).Port;
        app.UseWhen(context => context.Connection.LocalPort == httpPort, admin => admin.Use(next => context => guard.InvokeAsync(context, next)));
        app.Lifetime.ApplicationStopping.Register(registry.Freeze);
        app.MapGrpcService<MeshDiscoveryService>().RequireHost(grpcHost);
        app.MapAdminApi(httpHost);
        if (!string.IsNullOrEmpty(options.WebhookListen))
        {
            InjectionWebhook.Map(app, $"*:{Parse(options.WebhookListen).Port}");
        }

        app.MapMeshConsole(httpHost);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireHost(httpHost);
        app.MapGet("/", () => Results.Text("mesh control plane: console at /console/, admin API under /api, metrics at /metrics")).RequireHost(httpHost);
        return app;
    }

    /// <summary>With discovery authentication on, the control plane must have a way to check a proxy's token.</summary>
    private static void CheckProxyAuthentication(IServiceProvider services, ControlPlaneOptions options)
    {
        if (options.XdsAuth && !services.GetRequiredService<Security.ITokenReviewer>().Enabled)
        {
            throw new InvalidOperationException(
                "ControlPlane:XdsAuth is on (the default), but the control plane cannot check a proxy's service-account token: " +
                "set ControlPlane:TokenKeyFile (the key the app host signs tokens with), or ControlPlane:Discovery=Kubernetes (TokenReview); " +
                "ControlPlane:XdsAuth=false accepts unauthenticated proxies, for tests only");
        }
    }

    private static System.Net.IPEndPoint Parse(string address) =>
        System.Net.IPEndPoint.TryParse(address, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new InvalidOperationException($"'{address}' is not an address with a port, e.g. 127.0.0.1:15010");
}
