namespace Mesh.Config.Registry;

/// <summary>
/// One running instance in the mesh, as its proxy registered it: identity, labels, and the address where mesh
/// traffic for each of its ports enters (its sidecar's inbound listener).
/// </summary>
public sealed record Workload
{
    public required string Name { get; init; }

    public string Namespace { get; init; } = Model.ResourceMeta.DefaultNamespace;

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string ServiceAccount { get; init; } = "default";

    public required string Address { get; init; }

    public IReadOnlyList<WorkloadPort> Ports { get; init; } = [];

    public bool Healthy { get; init; } = true;

    public bool IsGateway { get; init; }

    /// <summary>False for endpoints outside the mesh (ServiceEntry addresses): they get no HTTP/2 upgrade and no mTLS.</summary>
    public bool HasSidecar { get; init; } = true;

    /// <summary>The Kubernetes-style app name (<c>app</c> label, else the workload name).</summary>
    public string App => Labels.TryGetValue("app", out var app) ? app : Name;

    public string Version => Labels.TryGetValue("version", out var version) ? version : "unknown";

    /// <summary>The SPIFFE identity this workload's certificate carries.</summary>
    public string Principal(string trustDomain) => $"spiffe://{trustDomain}/ns/{Namespace}/sa/{ServiceAccount}";

    public WorkloadPort? Port(int servicePort) => Ports.FirstOrDefault(p => p.ServicePort == servicePort);
}
