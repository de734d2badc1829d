using Mesh.DataPlane.Clusters;

namespace Mesh.DataPlane.Routing;

/// <summary>
/// Everything one proxy needs to route, precomputed from one config version and registry snapshot. Immutable:
/// a new version is built beside it and swapped in atomically, so in-flight requests finish on the table they began with.
/// </summary>
public sealed class RouteTable(string version, IReadOnlyDictionary<string, ListenerRoutes> listeners, IReadOnlyDictionary<string, ClusterConfig> clusters)
{
    public static RouteTable Empty { get; } = new("", new Dictionary<string, ListenerRoutes>(), new Dictionary<string, ClusterConfig>());

    /// <summary>The PeerAuthentication mode of each of this proxy's inbound (service) ports.</summary>
    public IReadOnlyDictionary<int, Config.Model.Security.MutualTlsMode> InboundMutualTls { get; init; } =
        new Dictionary<int, Config.Model.Security.MutualTlsMode>();

    /// <summary>Authorization for requests this proxy receives (its inbound listeners, or the gateway's).</summary>
    public Security.AuthorizationEngine Authorization { get; init; } = Security.AuthorizationEngine.Empty;

    /// <summary>Request authentication (JWT) for requests this proxy receives.</summary>
    public Security.JwtAuthenticator Jwt { get; init; } = Security.JwtAuthenticator.Empty;

    /// <summary>Local rate limits (EnvoyFilter) that apply to this proxy's listeners, by context.</summary>
    public IReadOnlyList<Config.Model.Networking.LocalRateLimitPatch> RateLimits { get; init; } = [];

    /// <summary>Whether this proxy writes access logs (Istio's Telemetry <c>accessLogging</c>; on unless disabled).</summary>
    public bool AccessLogging { get; init; } = true;

    /// <summary>
    /// Whether a captured call to a destination the mesh does not know is refused (Istio's <c>REGISTRY_ONLY</c>: 502 from
    /// the BlackHoleCluster) rather than passed through (<c>ALLOW_ANY</c>, the default), from the Sidecar that applies.
    /// </summary>
    public bool RegistryOnly { get; init; }

    /// <summary>The percentage of traces starting at this proxy that are sampled (Telemetry <c>tracing</c>); null when none says.</summary>
    public double? TraceSampling { get; init; }

    /// <summary>What Telemetry <c>metrics</c> overrides make of this proxy's standard metrics.</summary>
    public Telemetry.MetricPolicy Metrics { get; init; } = Telemetry.MetricPolicy.Standard;

    public Config.Model.Security.MutualTlsMode MutualTlsFor(int servicePort) =>
        InboundMutualTls.TryGetValue(servicePort, out var mode) ? mode : Config.Model.Security.MutualTlsMode.Permissive;

    public string Version { get; } = version;

    public IReadOnlyDictionary<string, ListenerRoutes> Listeners { get; } = listeners;

    public IReadOnlyDictionary<string, ClusterConfig> Clusters { get; } = clusters;

    public static string OutboundKey(string host, int port) => $"outbound|{port}|{host}";

    public static string InboundKey(int port) => $"inbound|{port}";

    public static string GatewayKey(int port) => $"gateway|{port}";

    public ListenerRoutes? Listener(string key) => Listeners.GetValueOrDefault(key);

    public ClusterConfig? Cluster(string name) => Clusters.GetValueOrDefault(name);
}
