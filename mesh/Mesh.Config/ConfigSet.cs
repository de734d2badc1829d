using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Model.Security;

namespace Mesh.Config;

/// <summary>An immutable set of configuration resources with typed views, as one consistent version of the mesh's config.</summary>
public sealed class ConfigSet
{
    public ConfigSet(IEnumerable<MeshResource> resources)
    {
        Resources = resources.ToArray();
        VirtualServices = Resources.OfType<VirtualService>().ToArray();
        DestinationRules = Resources.OfType<DestinationRule>().ToArray();
        Gateways = Resources.OfType<Gateway>().ToArray();
        ServiceEntries = Resources.OfType<ServiceEntry>().ToArray();
        Sidecars = Resources.OfType<Sidecar>().ToArray();
        PeerAuthentications = Resources.OfType<PeerAuthentication>().ToArray();
        AuthorizationPolicies = Resources.OfType<AuthorizationPolicy>().ToArray();
        RequestAuthentications = Resources.OfType<RequestAuthentication>().ToArray();
        EnvoyFilters = Resources.OfType<EnvoyFilter>().ToArray();
        Telemetries = Resources.OfType<Model.Telemetry.Telemetry>().ToArray();
        WorkloadEntries = Resources.OfType<WorkloadEntry>().ToArray();
    }

    public static ConfigSet Empty { get; } = new([]);

    public IReadOnlyList<MeshResource> Resources { get; }

    public IReadOnlyList<VirtualService> VirtualServices { get; }

    public IReadOnlyList<DestinationRule> DestinationRules { get; }

    public IReadOnlyList<Gateway> Gateways { get; }

    public IReadOnlyList<ServiceEntry> ServiceEntries { get; }

    /// <summary>Workloads the mesh did not start, which join services as endpoints without a sidecar.</summary>
    public IReadOnlyList<WorkloadEntry> WorkloadEntries { get; }

    public IReadOnlyList<Sidecar> Sidecars { get; }

    public IReadOnlyList<PeerAuthentication> PeerAuthentications { get; }

    public IReadOnlyList<AuthorizationPolicy> AuthorizationPolicies { get; }

    public IReadOnlyList<RequestAuthentication> RequestAuthentications { get; }

    public IReadOnlyList<EnvoyFilter> EnvoyFilters { get; }

    public IReadOnlyList<Model.Telemetry.Telemetry> Telemetries { get; }
}
