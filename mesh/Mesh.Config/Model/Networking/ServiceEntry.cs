using Mesh.Config.Source;

namespace Mesh.Config.Model.Networking;

// The types in this file mirror istio.io/api networking/v1 service_entry.proto.

/// <summary>Istio ServiceEntry: adds a service (often external) to the mesh's registry.</summary>
public sealed record ServiceEntry : MeshResource
{
    public override string Kind => "ServiceEntry";

    public IReadOnlyList<string> Hosts { get; init; } = [];

    public IReadOnlyList<string> Addresses { get; init; } = [];

    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    public ServiceEntryLocation Location { get; init; } = ServiceEntryLocation.MeshExternal;

    public ServiceEntryResolution Resolution { get; init; } = ServiceEntryResolution.None;

    public IReadOnlyList<WorkloadEntrySpec> Endpoints { get; init; } = [];

    public WorkloadSelector? WorkloadSelector { get; init; }

    public IReadOnlyList<string> ExportTo { get; init; } = [];
}

/// <summary>Whether the service is inside the mesh.</summary>
public enum ServiceEntryLocation
{
    MeshExternal,
    MeshInternal,
}

/// <summary>How the proxy finds the service's endpoints.</summary>
public enum ServiceEntryResolution
{
    None,
    Static,
    Dns,
    DnsRoundRobin,
}

/// <summary>A static endpoint of a ServiceEntry.</summary>
public sealed record WorkloadEntrySpec
{
    public required SourceSpan Source { get; init; }

    public required string Address { get; init; }

    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string? ServiceAccount { get; init; }

    public int? Weight { get; init; }
}
