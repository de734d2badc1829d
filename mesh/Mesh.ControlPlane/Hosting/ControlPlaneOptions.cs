namespace Mesh.ControlPlane.Hosting;

/// <summary>The control plane's settings, bound from the <c>ControlPlane</c> configuration section.</summary>
public sealed class ControlPlaneOptions
{
    public const string Section = "ControlPlane";

    /// <summary>The folder of Istio YAML the config store loads and watches.</summary>
    public string ConfigDirectory { get; set; } = "config";

    /// <summary>Where resources applied through the admin API and the registry are kept, so a restart keeps them. Empty keeps them in memory only.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// After a restart, how long workloads saved in the state directory are served while their proxies reconnect
    /// (proxies retry with backoff up to 5 s). A workload whose proxy has not come back by then is dropped.
    /// </summary>
    public TimeSpan RestoredRegistryGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The discovery endpoint proxies connect to (gRPC over plaintext HTTP/2), like istiod's 15010.</summary>
    public string GrpcListen { get; set; } = "127.0.0.1:15010";

    /// <summary>The admin API (HTTP/1.1) meshctl talks to, like istiod's 15014.</summary>
    public string HttpListen { get; set; } = "127.0.0.1:15014";

    /// <summary>
    /// The sidecar injection webhook's TLS listener (istiod's 15017), serving <c>POST /inject</c> with a certificate
    /// from this control plane's CA for <c>{service}.{namespace}.svc</c>. Empty turns the webhook off (under Aspire).
    /// </summary>
    public string? WebhookListen { get; set; }

    /// <summary>The control plane's namespace and Service name on Kubernetes: the webhook certificate's DNS names and the sidecars' discovery address.</summary>
    public string Namespace { get; set; } = "default";

    public string ServiceName { get; set; } = "mesh-controlplane";

    /// <summary>
    /// Where workloads and config come from: <c>Registration</c> (proxies register themselves; the config folder and the
    /// admin API; under Aspire) or <c>Kubernetes</c> (Pods, EndpointSlices, Services and Istio's custom resources).
    /// </summary>
    public string Discovery { get; set; } = "Registration";

    /// <summary>The Kubernetes API to use instead of the in-cluster one (a test server).</summary>
    public string? KubernetesApi { get; set; }

    /// <summary>The image of the proxy the webhook injects.</summary>
    public string ProxyImage { get; set; } = "mesh-proxy:latest";

    /// <summary>How long the config must be quiet before a push (Istio's PILOT_DEBOUNCE_AFTER).</summary>
    public TimeSpan DebounceAfter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest a push waits under continuous change (Istio's PILOT_DEBOUNCE_MAX, 10 s there). Pushes are deltas,
    /// so a short bound is cheap: under a change every 100 ms it is what bounds convergence (see docs/benchmarks).
    /// </summary>
    public TimeSpan DebounceMax { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How many full snapshots may be in flight at once. A full snapshot holds the whole mesh, so thousands of proxies
    /// (re)connecting together would otherwise buffer one copy each; the rest wait their turn (deltas do not wait).
    /// </summary>
    public int FullPushConcurrency { get; set; } = 32;

    /// <summary>A proxy that takes longer than this to take one push is disconnected (it reconnects and gets a full snapshot).</summary>
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The SPIFFE trust domain of the mesh's identities.</summary>
    public string TrustDomain { get; set; } = "cluster.local";

    /// <summary>Lifetime of workload certificates (Istio's 24 h by default; seconds in tests).</summary>
    public TimeSpan CertificateTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Load the CA root from these PEM files (a mounted secret) instead of generating one.</summary>
    public string? RootCertificateFile { get; set; }

    public string? RootKeyFile { get; set; }

    /// <summary>
    /// A file (0600) holding the secret (base64) that service-account tokens are signed with; the app host mints a token
    /// per sidecar with it. Without a key the CA issues no certificates and the mesh runs without mTLS.
    /// </summary>
    public string? TokenKeyFile { get; set; }

    /// <summary>The same secret given inline (tests). A file is preferred: an environment value is visible to whoever can list the process.</summary>
    public string? TokenKey { get; set; }

    /// <summary>The token key from <see cref="TokenKeyFile"/> or <see cref="TokenKey"/>, or null.</summary>
    public byte[]? ReadTokenKey()
    {
        var text = !string.IsNullOrEmpty(TokenKeyFile) ? Mesh.Security.SecretFiles.Read(TokenKeyFile) : TokenKey;
        return string.IsNullOrEmpty(text) ? null : Convert.FromBase64String(text);
    }

    /// <summary>
    /// Whether every discovery stream must present a service-account token (Istio's <c>XDS_AUTH</c>, on by default). A
    /// proxy may then register only a workload of its own identity. Turning it off lets anyone who reaches the discovery
    /// port register any workload; it exists for tests of other things.
    /// </summary>
    public bool XdsAuth { get; set; } = true;

    /// <summary>
    /// Where the operator credential (a bearer token for the admin API, in the spirit of a kubeconfig) is kept, 0600.
    /// Created at first start when missing; empty means <c>{StateDirectory}/operator-credentials.json</c>.
    /// </summary>
    public string? OperatorCredentialsFile { get; set; }

    /// <summary>Who may use the admin API, besides the operator credential.</summary>
    public AdminAccessOptions Admin { get; set; } = new();

    /// <summary>
    /// The host names the admin API answers to (the Host header; a DNS-rebinding page's host is refused). Loopback names
    /// are always allowed; on Kubernetes the control plane's Service names are added.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// The Prometheus that scrapes the proxies (its base address). The console's graph is built from it, as Kiali's is;
    /// without one the console shows config, validations and proxies but no traffic.
    /// </summary>
    public string? Prometheus { get; set; }

    /// <summary>The share of 5xx answers at which the console marks a node or edge degraded (Kiali's tolerance; 1 %).</summary>
    public double ConsoleDegradedErrorRate { get; set; } = 0.01;

    /// <summary>The share of 5xx answers at which it is failing (20 %).</summary>
    public double ConsoleFailingErrorRate { get; set; } = 0.20;
}

/// <summary>
/// Subjects allowed on the admin API, as a Kubernetes RoleBinding names them: a user name
/// (<c>system:serviceaccount:mesh:meshctl</c>, <c>alice</c>) or a group (<c>group:mesh-admins</c>). Editors may read and
/// change; viewers may only read.
/// </summary>
public sealed class AdminAccessOptions
{
    public List<string> Editors { get; set; } = [];

    public List<string> Viewers { get; set; } = [];
}
