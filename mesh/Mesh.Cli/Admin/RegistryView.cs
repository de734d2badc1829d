using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;

namespace Mesh.Cli.Admin;

/// <summary>The answer to <c>GET /api/registry</c> (also the format of an <c>analyze --registry</c> file).</summary>
public sealed record RegistryView(IReadOnlyList<WorkloadView>? Workloads)
{
    public IReadOnlyList<Workload> ToWorkloads() => (Workloads ?? []).Select(w => w.ToModel()).ToArray();

    /// <summary>The registry a proxy would build from these workloads and the config's ServiceEntries.</summary>
    public ServiceRegistry ToRegistry(IEnumerable<ServiceEntry> serviceEntries) => new(ToWorkloads(), serviceEntries);
}
