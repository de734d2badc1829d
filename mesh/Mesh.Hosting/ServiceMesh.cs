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
    /// Kubernetes API server, minting each sidecar a token the control plane's CA checks before it signs a certificate.
    /// </summary>
    public byte[] TokenKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>A service-account token for one workload's identity.</summary>
    public string TokenFor(string serviceAccount) =>
        Mesh.Security.ServiceAccountTokens.Issue(TokenKey, Namespace, serviceAccount, TimeSpan.FromDays(7), TimeProvider.System);

    public IReadOnlyList<MeshWorkload> Workloads => _workloads;

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
