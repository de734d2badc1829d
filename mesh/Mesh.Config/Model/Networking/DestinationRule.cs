using Mesh.Config.Source;

namespace Mesh.Config.Model.Networking;

// The types in this file mirror istio.io/api networking/v1 destination_rule.proto.

/// <summary>Istio DestinationRule: subsets of a host's workloads and the traffic policy toward them.</summary>
public sealed record DestinationRule : MeshResource
{
    public override string Kind => "DestinationRule";

    public required string Host { get; init; }

    public TrafficPolicy? TrafficPolicy { get; init; }

    public IReadOnlyList<Subset> Subsets { get; init; } = [];

    public IReadOnlyList<string> ExportTo { get; init; } = [];

    public WorkloadSelector? WorkloadSelector { get; init; }
}

/// <summary>A named group of a service's workloads, selected by labels, with an optional policy override.</summary>
public sealed record Subset
{
    public required SourceSpan Source { get; init; }

    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public TrafficPolicy? TrafficPolicy { get; init; }
}

/// <summary>Load balancing, connection pool, outlier detection, TLS and retry budget toward a destination.</summary>
public sealed record TrafficPolicy
{
    public required SourceSpan Source { get; init; }

    public LoadBalancerSettings? LoadBalancer { get; init; }

    public ConnectionPoolSettings? ConnectionPool { get; init; }

    public OutlierDetection? OutlierDetection { get; init; }

    public ClientTlsSettings? Tls { get; init; }

    public IReadOnlyList<PortTrafficPolicy> PortLevelSettings { get; init; } = [];

    public RetryBudget? RetryBudget { get; init; }
}

/// <summary>A traffic policy that applies to one port of the destination.</summary>
public sealed record PortTrafficPolicy
{
    public required SourceSpan Source { get; init; }

    public required int Port { get; init; }

    public LoadBalancerSettings? LoadBalancer { get; init; }

    public ConnectionPoolSettings? ConnectionPool { get; init; }

    public OutlierDetection? OutlierDetection { get; init; }

    public ClientTlsSettings? Tls { get; init; }
}

/// <summary>Istio's simple load-balancing algorithms.</summary>
public enum SimpleLoadBalancer
{
    Unspecified,
    LeastConn,
    Random,
    Passthrough,
    RoundRobin,
    LeastRequest,
}

/// <summary>Load-balancer choice: a simple algorithm or consistent hashing.</summary>
public sealed record LoadBalancerSettings
{
    public required SourceSpan Source { get; init; }

    public SimpleLoadBalancer? Simple { get; init; }

    public ConsistentHash? ConsistentHash { get; init; }
}

/// <summary>Consistent hashing on a header, a cookie, a query parameter or the source IP.</summary>
public sealed record ConsistentHash
{
    public required SourceSpan Source { get; init; }

    public string? HttpHeaderName { get; init; }

    public HttpCookie? HttpCookie { get; init; }

    public string? HttpQueryParameterName { get; init; }

    public bool UseSourceIp { get; init; }
}

/// <summary>The cookie consistent hashing keys on.</summary>
public sealed record HttpCookie(string Name, string? Path, TimeSpan? Ttl);

/// <summary>Circuit-breaker thresholds of the connection pool.</summary>
public sealed record ConnectionPoolSettings
{
    public required SourceSpan Source { get; init; }

    public TcpSettings? Tcp { get; init; }

    public HttpSettings? Http { get; init; }
}

/// <summary>TCP-level limits.</summary>
public sealed record TcpSettings
{
    public int? MaxConnections { get; init; }

    public TimeSpan? ConnectTimeout { get; init; }

    public TimeSpan? MaxConnectionDuration { get; init; }

    public TimeSpan? IdleTimeout { get; init; }
}

/// <summary>HTTP-level limits.</summary>
public sealed record HttpSettings
{
    public int? Http1MaxPendingRequests { get; init; }

    public int? Http2MaxRequests { get; init; }

    public int? MaxRequestsPerConnection { get; init; }

    public int? MaxRetries { get; init; }

    public TimeSpan? IdleTimeout { get; init; }

    public H2UpgradePolicy? H2UpgradePolicy { get; init; }

    public int? MaxConcurrentStreams { get; init; }
}

/// <summary>Whether HTTP/1.1 is upgraded to HTTP/2 toward the destination.</summary>
public enum H2UpgradePolicy
{
    Default,
    DoNotUpgrade,
    Upgrade,
}

/// <summary>Passive health checking: eject endpoints that keep failing.</summary>
public sealed record OutlierDetection
{
    public required SourceSpan Source { get; init; }

    public int? Consecutive5xxErrors { get; init; }

    public int? ConsecutiveGatewayErrors { get; init; }

    public TimeSpan? Interval { get; init; }

    public TimeSpan? BaseEjectionTime { get; init; }

    public int? MaxEjectionPercent { get; init; }

    public int? MinHealthPercent { get; init; }
}

/// <summary>TLS modes toward a destination.</summary>
public enum ClientTlsMode
{
    Disable,
    Simple,
    Mutual,
    IstioMutual,
}

/// <summary>Client-side TLS toward a destination.</summary>
public sealed record ClientTlsSettings
{
    public required SourceSpan Source { get; init; }

    public ClientTlsMode Mode { get; init; }

    public string? ClientCertificate { get; init; }

    public string? PrivateKey { get; init; }

    public string? CaCertificates { get; init; }

    public string? CredentialName { get; init; }

    public IReadOnlyList<string> SubjectAltNames { get; init; } = [];

    public string? Sni { get; init; }

    public bool? InsecureSkipVerify { get; init; }
}

/// <summary>Linkerd-style retry budget: retries may add at most <c>Percent</c> of the request rate, plus a floor.</summary>
public sealed record RetryBudget
{
    public required SourceSpan Source { get; init; }

    public Percent? Percent { get; init; }

    public int? MinRetryConcurrency { get; init; }
}
