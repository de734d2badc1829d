using System.Net;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>DestinationRule: subsets and traffic policies (load balancing, connection pool, outlier detection, TLS).</summary>
internal static partial class NetworkingReaders
{
    public static DestinationRule DestinationRule(YamlObject spec, ResourceMeta meta) => spec.Finish(new DestinationRule
    {
        Metadata = meta,
        Source = spec.Span,
        Host = spec.String("host", required: true) ?? "",
        TrafficPolicy = spec.Object("trafficPolicy", TrafficPolicy),
        Subsets = spec.List("subsets", Subset),
        ExportTo = ExportToList(spec, serviceEntry: false),
        WorkloadSelector = spec.Object("workloadSelector", o => new WorkloadSelector(SelectorLabels(o, "matchLabels"))),
    })!;

    private static Subset Subset(YamlObject o) => o.Finish(new Subset
    {
        Source = o.Span,
        Name = o.String("name", IstioRules.SubsetName, required: true) ?? "",
        Labels = o.StringMap("labels"),
        TrafficPolicy = o.Object("trafficPolicy", TrafficPolicy),
    })!;

    private static TrafficPolicy TrafficPolicy(YamlObject o) => o.Finish(new TrafficPolicy
    {
        Source = o.Span,
        LoadBalancer = o.Object("loadBalancer", LoadBalancer),
        ConnectionPool = o.Object("connectionPool", ConnectionPool),
        OutlierDetection = o.Object("outlierDetection", Outlier),
        Tls = o.Object("tls", ClientTls),
        PortLevelSettings = o.List("portLevelSettings", p => p.Finish(new PortTrafficPolicy
        {
            Source = p.Span,
            Port = p.PortNumber("port") ?? MissingPort(p, "port"),
            LoadBalancer = p.Object("loadBalancer", LoadBalancer),
            ConnectionPool = p.Object("connectionPool", ConnectionPool),
            OutlierDetection = p.Object("outlierDetection", Outlier),
            Tls = p.Object("tls", ClientTls),
        })),
        RetryBudget = o.Object("retryBudget", r => r.Finish(new RetryBudget
        {
            Source = r.Span,
            Percent = Percentage(r, "percent"),
            MinRetryConcurrency = r.Int("minRetryConcurrency", 0),
        })),
    })!;

    private static LoadBalancerSettings LoadBalancer(YamlObject o)
    {
        var settings = new LoadBalancerSettings
        {
            Source = o.Span,
            Simple = o.Enum<SimpleLoadBalancer>("simple"),
            ConsistentHash = o.Object("consistentHash", h => h.Finish(new ConsistentHash
            {
                Source = h.Span,
                HttpHeaderName = h.String("httpHeaderName"),
                HttpCookie = h.Object("httpCookie", c => c.Finish(new HttpCookie(c.String("name", required: true) ?? "", c.String("path"), c.Duration("ttl", TimeSpan.Zero)))),
                HttpQueryParameterName = h.String("httpQueryParameterName"),
                UseSourceIp = h.Bool("useSourceIp") ?? false,
            })),
        };

        if (settings.Simple == SimpleLoadBalancer.Passthrough)
        {
            o.Report(FindingCodes.UnimplementedField, "simple",
                $"{o.Path}.simple PASSTHROUGH (forward to the address the caller dialled) is not implemented; the proxy balances with LEAST_REQUEST");
        }

        // warmup is not implemented (the field table says so); its values are still checked as Istio checks them.
        o.Object("warmup", w =>
        {
            w.Duration("duration");
            if (!w.Has("duration"))
            {
                w.Report(FindingCodes.MissingField, "duration", $"{w.Path}.duration is required");
            }

            if (w.Double("minimumPercent") is { } minimum and (< 0 or > 100))
            {
                w.Report(FindingCodes.PercentageOutOfRange, "minimumPercent", $"{w.Path}.minimumPercent is {minimum}; it must be between 0 and 100");
            }

            if (w.Double("aggression") is < 0 and var aggression)
            {
                w.Report(FindingCodes.InvalidValue, "aggression", $"{w.Path}.aggression is {aggression}; it cannot be negative");
            }

            return w.Finish<object>(null);
        });

        if (settings.Simple is not null && settings.ConsistentHash is not null)
        {
            o.Report(FindingCodes.InvalidValue, "consistentHash", $"{o.Path} sets both simple and consistentHash; choose one");
        }

        return o.Finish(settings)!;
    }

    private static ConnectionPoolSettings ConnectionPool(YamlObject o) => o.Finish(new ConnectionPoolSettings
    {
        Source = o.Span,
        Tcp = o.Object("tcp", t => t.Finish(new TcpSettings
        {
            MaxConnections = t.Int("maxConnections", 1),
            ConnectTimeout = t.Duration("connectTimeout"),
            MaxConnectionDuration = t.Duration("maxConnectionDuration"),
            IdleTimeout = t.Duration("idleTimeout"),
        })),
        Http = o.Object("http", h => h.Finish(new HttpSettings
        {
            Http1MaxPendingRequests = h.Int("http1MaxPendingRequests", 0),
            Http2MaxRequests = h.Int("http2MaxRequests", 1),
            MaxRequestsPerConnection = h.Int("maxRequestsPerConnection", 0),
            MaxRetries = h.Int("maxRetries", 0),
            IdleTimeout = h.Duration("idleTimeout"),
            H2UpgradePolicy = h.Enum<H2UpgradePolicy>("h2UpgradePolicy"),
            MaxConcurrentStreams = h.Int("maxConcurrentStreams", 1),
        })),
    })!;

    private static OutlierDetection Outlier(YamlObject o)
    {
        // 'consecutiveErrors' is deprecated; Istio maps it to consecutive gateway errors (502, 503, 504).
        var legacy = o.Int("consecutiveErrors", 0);
        return o.Finish(new OutlierDetection
        {
            Source = o.Span,
            Consecutive5xxErrors = o.Int("consecutive5xxErrors", 0),
            ConsecutiveGatewayErrors = o.Int("consecutiveGatewayErrors", 0) ?? legacy,
            Interval = o.Duration("interval"),
            BaseEjectionTime = o.Duration("baseEjectionTime"),
            MaxEjectionPercent = o.Int("maxEjectionPercent", 0, 100),
            MinHealthPercent = o.Int("minHealthPercent", 0, 100),
        })!;
    }

    private static ClientTlsSettings ClientTls(YamlObject o) => o.Finish(new ClientTlsSettings
    {
        Source = o.Span,
        Mode = o.Enum<ClientTlsMode>("mode") ?? ClientTlsMode.Disable,
        ClientCertificate = o.String("clientCertificate"),
        PrivateKey = o.String("privateKey"),
        CaCertificates = o.String("caCertificates"),
        CredentialName = o.String("credentialName"),
        SubjectAltNames = o.Strings("subjectAltNames"),
        Sni = o.String("sni"),
        InsecureSkipVerify = o.Bool("insecureSkipVerify"),
    })!;
}
