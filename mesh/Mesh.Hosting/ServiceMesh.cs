using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The mesh in an Aspire app model: its control plane, its gateways and its workloads. Sidecars learn the full set
/// of mesh services only when the app starts, so each gets an outbound listener for every service port.
/// </summary>
public sealed class ServiceMesh(IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> controlPlane, string proxyProjectPath)
{
    private readonly List<MeshWorkload> _workloads = [];
    private readonly List<IResourceBuilder<ProjectResource>> _gateways = [];

    public IDistributedApplicationBuilder Builder { get; } = builder;

    public IResourceBuilder<ProjectResource> ControlPlane { get; } = controlPlane;

    public string ProxyProjectPath { get; } = proxyProjectPath;

    public string Namespace { get; init; } = "default";

    /// <summary>The folder of Istio YAML the control plane loads.</summary>
    public string ConfigDirectory { get; init; } = "";

    /// <summary>Each gateway's name and fixed ports, as the Kubernetes publisher needs them.</summary>
    public IReadOnlyList<(string Name, int Port, int? TlsPort)> GatewayPorts => _gatewayPorts;

    private readonly List<(string Name, int Port, int? TlsPort)> _gatewayPorts = [];

    /// <summary>
    /// The secret service-account tokens are signed with, made fresh for each run of the app host: the app host plays the
    /// Kubernetes API server, minting each sidecar a token the control plane checks before it lets the proxy register or
    /// signs it a certificate.
    /// </summary>
    public byte[] TokenKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// Where this run's secrets live (the token key, each sidecar's token): a folder only the user running the app host may
    /// enter, with files only it may read. Processes are given these files' paths, never the secrets, so the Aspire
    /// dashboard and resource service, which show every resource's environment, show no secret.
    /// </summary>
    public string SecretsDirectory { get; init; } = "";

    /// <summary>The control plane's state folder (0700): registry, applied config, CA root, operator credential.</summary>
    public string StateDirectory { get; init; } = "";

    /// <summary>The operator credential the control plane accepts on its admin API (and its proxies, for their admin writes).</summary>
    public Mesh.Security.OperatorCredential OperatorCredential { get; init; } = null!;

    /// <summary>Where the operator credential file is (in the control plane's state folder).</summary>
    public string OperatorCredentialsFile => Path.Combine(StateDirectory, "operator-credentials.json");

    /// <summary>A service-account token for one workload's identity, bound to that workload when it is given.</summary>
    public string TokenFor(string serviceAccount, Mesh.Security.BoundWorkload? workload = null) =>
        Mesh.Security.ServiceAccountTokens.Issue(TokenKey, Namespace, serviceAccount, TimeSpan.FromDays(7), TimeProvider.System, workload);

    /// <summary>Writes a token into the secrets folder (0600) and returns its path, which is all a process is given.</summary>
    public string WriteToken(string name, string token)
    {
        var path = Path.Combine(SecretsDirectory, "tokens", $"{name}.jwt");
        Mesh.Security.SecretFiles.Write(path, token);
        return path;
    }

    public IReadOnlyList<MeshWorkload> Workloads => _workloads;

    /// <summary>The mesh's own processes, which <see cref="MeshSupervisor"/> restarts when they die: control plane, gateways, sidecars.</summary>
    public IReadOnlySet<string> Supervised =>
        new HashSet<string>(_workloads.Select(w => w.Sidecar.Resource.Name).Concat(_gateways.Select(g => g.Resource.Name)).Append(ControlPlane.Resource.Name), StringComparer.Ordinal);

    public IReadOnlyList<IResourceBuilder<ProjectResource>> Gateways => _gateways;

    /// <summary>The service ports of the mesh: one per (app label, port name), as Kubernetes Services would declare them.</summary>
    public IReadOnlyList<(string Service, MeshPort Port)> ServicePorts =>
        _workloads.SelectMany(w => w.Ports.Select(p => (Service: w.AppLabel, Port: p)))
            .DistinctBy(x => (x.Service, x.Port.Name)).OrderBy(x => x.Service, StringComparer.Ordinal).ThenBy(x => x.Port.ServicePort).ToArray();

    internal void Add(MeshWorkload workload) => _workloads.Add(workload);

    internal void AddGateway(IResourceBuilder<ProjectResource> gateway, int port, int? tlsPort)
    {
        _gateways.Add(gateway);
        _gatewayPorts.Add((gateway.Resource.Name, port, tlsPort));
    }

    /// <summary>The name of a sidecar's outbound endpoint for one service port.</summary>
    public static string OutboundEndpointName(string service, MeshPort port) => $"outbound-{service}-{port.Name}";
}
