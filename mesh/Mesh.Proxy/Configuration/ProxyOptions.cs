using Mesh.Config.Registry;

namespace Mesh.Proxy.Configuration;

/// <summary>
/// The proxy's bootstrap, bound from the <c>Mesh</c> configuration section (environment variables such as
/// <c>Mesh__Workload__Name</c>). It says who the proxy is and which ports it binds; everything about routing
/// arrives later from the control plane.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Mesh";

    public ProxyMode Mode { get; set; } = ProxyMode.Sidecar;

    /// <summary>The control plane's discovery address (gRPC, plaintext HTTP/2).</summary>
    public Uri ControlPlane { get; set; } = new("http://127.0.0.1:15010");

    public WorkloadOptions Workload { get; set; } = new();

    /// <summary>
    /// This proxy's id at the control plane, unique per instance. Empty means <c>{workload}.{namespace}</c>, right when a
    /// workload has one instance (under Aspire); on Kubernetes the injector sets it to the pod's name.
    /// </summary>
    public string? ProxyId { get; set; }

    /// <summary>
    /// The app's own HTTP probes, by <c>{container}-{readyz|livez}</c>, which the admin listener serves at
    /// <c>/app-health/{container}/{readyz|livez}</c>: on Kubernetes the injector points the kubelet's probes there,
    /// since iptables would otherwise send them through the inbound capture.
    /// </summary>
    public Dictionary<string, string> AppProbes { get; set; } = [];

    /// <summary>
    /// Admin listener (Envoy's 15000): config dump, certificates, runtime overrides; also readiness and stats when
    /// <see cref="HealthListen"/> and <see cref="StatsListen"/> are not set. Loopback only on Kubernetes.
    /// </summary>
    public string Admin { get; set; } = "127.0.0.1:15000";

    /// <summary>Prometheus stats on their own listener, as Istio's 15090 (<c>/stats/prometheus</c>); empty serves them on the admin listener.</summary>
    public string? StatsListen { get; set; }

    /// <summary>Readiness and the app's probes on their own listener, as Istio's 15021 (<c>/healthz/ready</c>); empty serves them on the admin listener.</summary>
    public string? HealthListen { get; set; }

    /// <summary>Mesh traffic for each app port enters here and goes on to the app.</summary>
    public List<InboundListenerOptions> Inbound { get; set; } = [];

    /// <summary>The app reaches each mesh service port through one of these (service discovery points the app here).</summary>
    public List<OutboundListenerOptions> Outbound { get; set; } = [];

    /// <summary>For gateways: the plaintext ports Gateway servers may use, as the gateway Service's ports in Kubernetes.</summary>
    public List<string> GatewayListen { get; set; } = [];

    /// <summary>For gateways: the ports that terminate TLS (HTTPS servers with <c>tls.mode</c> SIMPLE or MUTUAL).</summary>
    public List<string> GatewayTlsListen { get; set; } = [];

    /// <summary>The app's readiness path, probed to report the workload healthy.</summary>
    public string AppHealthPath { get; set; } = "/health";

    public TimeSpan AppHealthInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The workload's service-account token (minted by the app host, as the Kubernetes API server mints one). With it
    /// the proxy gets a certificate from the control plane's CA and speaks mutual TLS; without it, plaintext.
    /// </summary>
    public string? ServiceAccountToken { get; set; }

    /// <summary>
    /// A file holding the service-account token instead (Kubernetes' projected token, audience <c>mesh-ca</c>), read
    /// for every certificate request since the kubelet rotates it.
    /// </summary>
    public string? ServiceAccountTokenFile { get; set; }

    /// <summary>Whether this proxy has an identity to ask the CA for, and so speaks mutual TLS.</summary>
    public bool HasServiceAccountToken => !string.IsNullOrEmpty(ServiceAccountToken) || !string.IsNullOrEmpty(ServiceAccountTokenFile);

    /// <summary>The token to present now.</summary>
    public string ReadServiceAccountToken() =>
        !string.IsNullOrEmpty(ServiceAccountTokenFile) ? File.ReadAllText(ServiceAccountTokenFile).Trim() : ServiceAccountToken ?? "";

    public string TrustDomain { get; set; } = "cluster.local";

    /// <summary>Where a gateway finds TLS credentials: relative certificate paths, and <c>credentialName</c> folders.</summary>
    public string? CredentialsDirectory { get; set; }

    /// <summary>When true, responses carry <c>x-mesh-response-flags</c> for debugging.</summary>
    public bool ResponseFlagsHeader { get; set; }

    /// <summary>
    /// Transparent interception (Kubernetes): where iptables sends the pod's inbound traffic (Envoy's 15006). Each
    /// connection's original destination port (<c>SO_ORIGINAL_DST</c>) picks the inbound port; inbound entries then
    /// need no <c>Listen</c> of their own.
    /// </summary>
    public string? InboundCapture { get; set; }

    /// <summary>
    /// Transparent interception: where iptables sends the app's outbound traffic (Envoy's 15001). A request is routed
    /// to the service its Host names, on the port the app dialled (the connection's original destination).
    /// </summary>
    public string? OutboundCapture { get; set; }
}

/// <summary>The workload the proxy registers.</summary>
public sealed class WorkloadOptions
{
    public string Name { get; set; } = Environment.MachineName;

    public string Namespace { get; set; } = "default";

    public string ServiceAccount { get; set; } = "default";

    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>The address peers reach this workload at (the pod IP under interception); empty takes the first inbound listener's.</summary>
    public string? Address { get; set; }
}

/// <summary>An inbound listener: the port name (protocol), the service port, where to listen, and the app's address.</summary>
public sealed class InboundListenerOptions
{
    public string Name { get; set; } = "http";

    public int ServicePort { get; set; }

    /// <summary>Where to listen; empty under interception, where the inbound capture serves every port.</summary>
    public string Listen { get; set; } = "";

    public string App { get; set; } = "";

    public MeshProtocol Protocol => MeshProtocols.FromPortName(Name);
}

/// <summary>An outbound listener standing for one mesh service port.</summary>
public sealed class OutboundListenerOptions
{
    /// <summary>The service, short (<c>reviews</c>, in the workload's namespace) or fully qualified.</summary>
    public string Service { get; set; } = "";

    public int Port { get; set; }

    /// <summary>The port name, which selects the protocol the app speaks to this listener (http, grpc, http2).</summary>
    public string PortName { get; set; } = "http";

    public string Listen { get; set; } = "";

    public MeshProtocol Protocol => MeshProtocols.FromPortName(PortName);
}
