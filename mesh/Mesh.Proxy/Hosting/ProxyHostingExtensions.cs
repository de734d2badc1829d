using Mesh.Config.Registry;
using Workload = Mesh.Config.Registry.Workload;
using WorkloadPort = Mesh.Config.Registry.WorkloadPort;
using Mesh.Contracts.Discovery;
using Mesh.DataPlane;
using Mesh.Proxy.Admin;
using Mesh.Proxy.Configuration;
using Mesh.Proxy.Discovery;
using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Telemetry;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Identity;
using Mesh.Proxy.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mesh.Proxy.Hosting;

/// <summary>Wires the proxy: its bootstrap, listeners, discovery client, forwarding path and admin endpoints.</summary>
public static class ProxyHostingExtensions
{
    public static WebApplicationBuilder AddMeshProxy(this WebApplicationBuilder builder)
    {
        // ASP.NET Core, YARP and HttpClient log every request at Information. A proxy must not: that cost a third of
        // its CPU under load, and its per-request record is the access log. Defaults beneath every other source, so
        // appsettings or the environment can still turn them up.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Yarp"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["Logging:LogLevel:Grpc"] = "Warning",
            },
        });
        var options = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        var listeners = new ListenerMap(options);
        var admin = ListenerMap.Parse(options.Admin);
        var identity = Identity(options);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(listeners);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(Admin.AdminEndpoints.AppProbeClient, c => c.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false });
        builder.Services.AddSingleton<IRandomSource>(SystemRandomSource.Shared);
        builder.Services.AddSingleton<RouteTableProvider>();
        // Traces starting here are sampled as the Telemetry resource that applies says (callers' decisions are kept).
        builder.Services.ConfigureOpenTelemetryTracerProvider((sp, tracing) => tracing.SetSampler(
            new MeshTraceSampler(sp.GetRequiredService<RouteTableProvider>(), MeshTraceSampler.FromEnvironment(Environment.GetEnvironmentVariable))));
        builder.Services.AddSingleton(sp => new ProxyConfigState(identity, InboundPorts(options), sp.GetRequiredService<RouteTableProvider>(),
            sp.GetRequiredService<GatewayTls>().Validate, sp.GetRequiredService<ILogger<ProxyConfigState>>()));
        builder.Services.AddSingleton<WorkloadHealthMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkloadHealthMonitor>());
        builder.Services.AddSingleton<AdminWriters>();
        builder.Services.AddSingleton<ProxyConfigDump>();
        builder.Services.AddSingleton<ControlPlaneClient>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ControlPlaneClient>());
        builder.Services.AddGrpcClient<MeshDiscovery.MeshDiscoveryClient>(o => o.Address = options.ControlPlane)
            .ConfigureChannel(channel => channel.MaxReceiveMessageSize = Mesh.Config.ConfigLimits.MaxPushBytes)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, KeepAlivePingDelay = TimeSpan.FromSeconds(10), KeepAlivePingTimeout = TimeSpan.FromSeconds(5) });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<UpstreamInvoker>();
        builder.Services.AddSingleton<MeshTransformer>();
        builder.Services.AddSingleton<MeshRequestHandler>();
        builder.Services.AddSingleton<RequestMirror>();
        builder.Services.AddSingleton<RuntimeOverrides>();
        builder.Services.AddSingleton<ProxyTelemetry>();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ProxyTelemetry.MeterName).AddPrometheusExporter(o =>
        {
            // Istio's names as they are: istio_requests_total already ends in _total, pilot_xds_pushes never does.
            o.ScrapeResponseCacheDurationMilliseconds = 0;
            o.DisableTotalNameSuffixForCounters = true;
        }));

        builder.Services.AddSingleton<WorkloadIdentity>();
        builder.Services.AddSingleton<InboundTls>();
        builder.Services.AddSingleton<PlaintextDiverter>();
        builder.Services.AddSingleton<GatewayTls>();
        builder.Services.AddSingleton<Security.LocalRateLimiters>();
        builder.Services.AddSingleton<AccessLog>();
        System.Diagnostics.DistributedContextPropagator.Current = new B3Propagator(System.Diagnostics.DistributedContextPropagator.CreateDefaultPropagator());
        var mutualTls = options.HasServiceAccountToken;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(admin, l => l.Protocols = HttpProtocols.Http1);
            foreach (var own in OwnListeners(options).Skip(1))
            {
                kestrel.Listen(own, l => l.Protocols = HttpProtocols.Http1);
            }

            foreach (var listener in listeners.Listeners)
            {
                if (listener.Captures && listener.Kind == ListenerKind.Inbound && mutualTls)
                {
                    ListenCapturedMutualTls(kestrel, listener, listeners);
                    continue;
                }

                if (listener.Captures && listener.Kind == ListenerKind.Outbound)
                {
                    ListenOutboundCapture(kestrel, listener, listeners);
                    continue;
                }

                if (listener.Captures)
                {
                    // Interception without mTLS: plaintext HTTP/1.1 from peers.
                    var counted = kestrel.ApplicationServices.GetRequiredService<ProxyTelemetry>();
                    kestrel.Listen(listener.EndPoint, l =>
                    {
                        l.Protocols = HttpProtocols.Http1;
                        l.Use(TagCaptured(listener, listeners));
                        l.Use(Count(listener, counted, tls: false));
                    });
                    continue;
                }

                if (listener.Kind == ListenerKind.Inbound && mutualTls)
                {
                    ListenMutualTls(kestrel, listener);
                    continue;
                }

                var telemetry = kestrel.ApplicationServices.GetRequiredService<ProxyTelemetry>();
                if (listener.Tls)
                {
                    kestrel.Listen(listener.EndPoint, l =>
                    {
                        l.Protocols = HttpProtocols.Http1AndHttp2;
                        l.Use(Tag(listener));
                        l.UseHttps(kestrel.ApplicationServices.GetRequiredService<GatewayTls>().HandshakeOptions(listener.EndPoint.Port));
                        l.Use(Count(listener, telemetry, tls: true));
                    });
                    continue;
                }

                kestrel.Listen(listener.EndPoint, l =>
                {
                    l.Protocols = listener.Protocol.IsHttp2() ? HttpProtocols.Http2 : HttpProtocols.Http1;
                    l.Use(Tag(listener));
                    l.Use(Count(listener, telemetry, tls: false));
                });
            }
        });
        return builder;
    }

    /// <summary>
    /// An inbound port that speaks mutual TLS (HTTP/2 or HTTP/1.1 by ALPN) and, as PeerAuthentication allows,
    /// plaintext, which is handed to two Unix-socket listeners of this proxy (HTTP/1.1 and h2c).
    /// </summary>
    private static void ListenMutualTls(KestrelServerOptions kestrel, BoundListener listener)
    {
        var services = kestrel.ApplicationServices;
        var diverter = services.GetRequiredService<PlaintextDiverter>();
        var telemetry = services.GetRequiredService<ProxyTelemetry>();
        var (http1, http2) = ListenPlaintextPair(kestrel, $"{listener.EndPoint.Port}", listener with { Plaintext = true }, telemetry);
        kestrel.Listen(listener.EndPoint, l =>
        {
            l.Protocols = HttpProtocols.Http1AndHttp2;
            l.Use(Tag(listener));
            l.Use(diverter.For(listener.ServicePort, http1, http2));
            l.UseHttps(services.GetRequiredService<InboundTls>().HandshakeOptions);
            l.Use(Count(listener, telemetry, tls: true));
        });
    }

    /// <summary>
    /// The inbound capture with mutual TLS: as <see cref="ListenMutualTls"/>, but the port a peer dialled (its
    /// original destination) decides which inbound port's PeerAuthentication applies and which plaintext side
    /// (one pair of Unix sockets per captured port) PERMISSIVE traffic goes to.
    /// </summary>
    private static void ListenCapturedMutualTls(KestrelServerOptions kestrel, BoundListener capture, ListenerMap listeners)
    {
        var services = kestrel.ApplicationServices;
        var diverter = services.GetRequiredService<PlaintextDiverter>();
        var telemetry = services.GetRequiredService<ProxyTelemetry>();
        var sockets = listeners.CapturedInbound.ToDictionary(l => l.ServicePort,
            l => ListenPlaintextPair(kestrel, $"capture-{l.ServicePort}", l with { Plaintext = true }, telemetry));
        kestrel.Listen(capture.EndPoint, l =>
        {
            l.Protocols = HttpProtocols.Http1AndHttp2;
            l.Use(TagCaptured(capture, listeners));
            l.Use(next =>
            {
                var byPort = sockets.ToDictionary(s => s.Key, s => diverter.For(s.Key, s.Value.Http1, s.Value.Http2)(next));
                return connection => byPort[((BoundListener)connection.Items[ListenerMap.ItemKey]!).ServicePort](connection);
            });
            l.UseHttps(services.GetRequiredService<InboundTls>().HandshakeOptions);
            l.Use(Count(capture, telemetry, tls: true));
        });
    }

    /// <summary>
    /// The outbound capture: apps speak HTTP/1.1 or h2c (gRPC), so each connection is split by its first bytes onto
    /// two Unix-socket listeners, its original destination carried across (<see cref="Interception.CaptureProtocolSplitter"/>).
    /// </summary>
    private static void ListenOutboundCapture(KestrelServerOptions kestrel, BoundListener capture, ListenerMap listeners)
    {
        var telemetry = kestrel.ApplicationServices.GetRequiredService<ProxyTelemetry>();
        var (http1, http2) = ListenPlaintextPair(kestrel, "outbound", capture, telemetry,
            Interception.CaptureProtocolSplitter.Restore(ListenerMap.OriginalDestinationKey));
        kestrel.Listen(capture.EndPoint, l =>
        {
            l.Protocols = HttpProtocols.Http1;
            l.Use(TagCaptured(capture, listeners));
            l.Use(Interception.CaptureProtocolSplitter.Split(http1, http2, ListenerMap.OriginalDestinationKey));
        });
    }

    /// <summary>
    /// Two Unix-socket listeners of this proxy, HTTP/1.1 and h2c, that take plaintext connections a sniffer handed
    /// over (PERMISSIVE inbound traffic, or an app's captured outbound traffic). Returns their paths.
    /// </summary>
    private static (string Http1, string Http2) ListenPlaintextPair(KestrelServerOptions kestrel, string name, BoundListener listener,
        ProxyTelemetry telemetry, Func<ConnectionDelegate, ConnectionDelegate>? handover = null)
    {
        var socket = Path.Combine(Path.GetTempPath(), $"mesh-proxy-{Environment.ProcessId}-{name}");
        var (http1, http2) = (socket + "-h1.sock", socket + "-h2.sock");
        foreach (var (path, protocols) in new[] { (http1, HttpProtocols.Http1), (http2, HttpProtocols.Http2) })
        {
            File.Delete(path);
            kestrel.ListenUnixSocket(path, u =>
            {
                u.Protocols = protocols;
                u.Use(Tag(listener));
                if (handover is not null)
                {
                    u.Use(handover);
                }

                u.Use(Count(listener, telemetry, tls: false));
            });
        }

        return (http1, http2);
    }

    /// <summary>Marks a connection with the listener it came in on.</summary>
    private static Func<ConnectionDelegate, ConnectionDelegate> Tag(BoundListener listener) => next => connection =>
    {
        connection.Items[ListenerMap.ItemKey] = listener;
        return next(connection);
    };

    /// <summary>Marks a captured connection with what it stands for, from its original destination; refuses it when that is nothing.</summary>
    private static Func<ConnectionDelegate, ConnectionDelegate> TagCaptured(BoundListener capture, ListenerMap listeners) => next => connection =>
    {
        var socket = connection.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()?.Socket;
        var original = socket is null ? null : Interception.OriginalDestination.Of(socket);
        if (original is null || listeners.ForOriginalDestination(capture, original) is not { } listener)
        {
            connection.Abort();
            return Task.CompletedTask;
        }

        connection.Items[ListenerMap.ItemKey] = listener;
        connection.Items[ListenerMap.OriginalDestinationKey] = original;
        return next(connection);
    };

    /// <summary>Counts a connection opening and closing (placed after TLS where there is TLS, so it knows which it is).</summary>
    private static Func<ConnectionDelegate, ConnectionDelegate> Count(BoundListener listener, ProxyTelemetry telemetry, bool tls) => next => async connection =>
    {
        telemetry.ConnectionOpened(listener, tls);
        try
        {
            await next(connection);
        }
        finally
        {
            telemetry.ConnectionClosed(listener, tls);
        }
    };

    public static WebApplication MapMeshProxy(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var own = OwnListeners(options).Select(e => e.Port).ToHashSet();
        var handler = app.Services.GetRequiredService<MeshRequestHandler>();
        var adminPort = ListenerMap.Parse(options.Admin).Port;
        var statsPort = string.IsNullOrEmpty(options.StatsListen) ? adminPort : ListenerMap.Parse(options.StatsListen).Port;
        var healthPort = string.IsNullOrEmpty(options.HealthListen) ? adminPort : ListenerMap.Parse(options.HealthListen).Port;

        // Mesh traffic never reaches the proxy's own endpoints: an app's /health goes to the app.
        app.MapWhen(context => !own.Contains(context.Connection.LocalPort), mesh => mesh.Run(handler.HandleAsync));
        app.MapProxyAdmin($"*:{adminPort}", withHealth: healthPort == adminPort);
        if (healthPort != adminPort)
        {
            app.MapProxyHealth($"*:{healthPort}");
        }

        app.MapPrometheusScrapingEndpoint(AdminEndpoints.StatsPath).RequireHost($"*:{statsPort}");
        return app;
    }

    /// <summary>The proxy's own listeners: the admin listener first, then the stats and health listeners when they are set.</summary>
    private static IEnumerable<System.Net.IPEndPoint> OwnListeners(ProxyOptions options)
    {
        yield return ListenerMap.Parse(options.Admin);
        foreach (var address in new[] { options.StatsListen, options.HealthListen }.Where(a => !string.IsNullOrEmpty(a)).Distinct())
        {
            yield return ListenerMap.Parse(address!);
        }
    }

    private static ProxyIdentity Identity(ProxyOptions options) => new(new Workload
    {
        Name = options.Workload.Name,
        Namespace = options.Workload.Namespace,
        ServiceAccount = options.Workload.ServiceAccount,
        Labels = new Dictionary<string, string>(options.Workload.Labels),
        Address = !string.IsNullOrEmpty(options.Workload.Address) ? options.Workload.Address
            : options.Inbound.Where(i => !string.IsNullOrEmpty(i.Listen)).Select(i => ListenerMap.Parse(i.Listen).Address.ToString()).FirstOrDefault() ?? "127.0.0.1",
        // Under interception peers dial the service port itself; iptables brings it to the capture.
        Ports = options.Inbound.Select(i => new WorkloadPort(i.Name, i.ServicePort, string.IsNullOrEmpty(i.Listen) ? i.ServicePort : ListenerMap.Parse(i.Listen).Port)).ToArray(),
        IsGateway = options.Mode == ProxyMode.Gateway,
    });

    private static IReadOnlyList<InboundPort> InboundPorts(ProxyOptions options) => options.Inbound.Select(i =>
    {
        var app = ListenerMap.Parse(i.App);
        return new InboundPort(i.Name, i.ServicePort, app.Address.ToString(), app.Port);
    }).ToArray();
}
