namespace Mesh.Config.Registry;

/// <summary>A service in the registry: its fully qualified host, its ports, and how its workloads are selected.</summary>
public sealed record MeshService
{
    public required string Host { get; init; }

    public required string Namespace { get; init; }

    public IReadOnlyList<MeshServicePort> Ports { get; init; } = [];

    /// <summary>Labels a workload must carry to be an endpoint (<c>app</c> for Kubernetes-style services).</summary>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = new Dictionary<string, string>();

    /// <summary>Endpoints given statically (ServiceEntry), used instead of selecting workloads.</summary>
    public IReadOnlyList<Workload>? StaticEndpoints { get; init; }

    public bool External { get; init; }

    /// <summary>The namespaces whose proxies see this service (a ServiceEntry's exportTo); empty means every namespace.</summary>
    public IReadOnlyList<string> ExportTo { get; init; } = [];

    public string Name => Hostnames.ShortName(Host);

    public MeshServicePort? Port(int? number) => number is null ? (Ports.Count == 1 ? Ports[0] : Ports.FirstOrDefault()) : Ports.FirstOrDefault(p => p.Number == number);
}

/// <summary>A port of a service.</summary>
public sealed record MeshServicePort(string Name, int Number, MeshProtocol Protocol);
