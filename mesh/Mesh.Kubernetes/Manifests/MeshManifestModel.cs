namespace Mesh.Kubernetes.Manifests;

/// <summary>Where images come from: <c>{Registry}/{name}:{Tag}</c>. Both are parameters of the publish step.</summary>
public sealed record ImageSettings(string Registry, string Tag)
{
    public static ImageSettings Default { get; } = new("localhost:5000/mesh", "latest");

    public string For(string name) => $"{Registry.TrimEnd('/')}/{name}:{Tag}";
}

/// <summary>A port an app listens on, and the port its Service offers (Bookinfo's 9080 for http, 9090 for grpc).</summary>
public sealed record WorkloadPort(string Name, int ServicePort, int ContainerPort);

/// <summary>One versioned workload: a Deployment <c>{App}-{Version}</c> behind the Service <c>{App}</c>.</summary>
public sealed record WorkloadSpec(string App, string Version, string Image, string ServiceAccount, IReadOnlyList<WorkloadPort> Ports)
{
    public string Name => $"{App}-{Version}";

    public int Replicas { get; init; } = 1;

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The app's health endpoint (readiness and liveness), on its first port.</summary>
    public string HealthPath { get; init; } = "/health";
}

/// <summary>An ingress gateway: the proxy in gateway mode behind a LoadBalancer Service.</summary>
public sealed record GatewaySpec(string Name, int HttpPort, int? HttpsPort);

/// <summary>Everything the manifests are made from: the app host's model, the config folder and the image parameters.</summary>
public sealed record MeshManifestModel(string Namespace, ImageSettings Images, IReadOnlyList<GatewaySpec> Gateways, IReadOnlyList<WorkloadSpec> Workloads)
{
    /// <summary>The mesh config as Istio YAML documents; each becomes a custom resource in the namespace.</summary>
    public IReadOnlyList<string> ConfigDocuments { get; init; } = [];

    public string ControlPlaneImage { get; init; } = "mesh-controlplane";

    public string ProxyImage { get; init; } = "mesh-proxy";
}
