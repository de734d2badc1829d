using Mesh.Config.Model;
using Mesh.Config.Registry;

namespace Mesh.Cli.Admin;

/// <summary>A registered workload as the admin API lists it.</summary>
public sealed record WorkloadView(
    string Name,
    string? Namespace,
    IReadOnlyDictionary<string, string>? Labels,
    string? ServiceAccount,
    string Address,
    bool Healthy,
    bool Gateway,
    IReadOnlyList<WorkloadPortView>? Ports)
{
    public Workload ToModel() => new()
    {
        Name = Name,
        Namespace = Namespace ?? ResourceMeta.DefaultNamespace,
        Labels = Labels ?? new Dictionary<string, string>(),
        ServiceAccount = ServiceAccount ?? "default",
        Address = Address,
        Healthy = Healthy,
        IsGateway = Gateway,
        Ports = (Ports ?? []).Select(p => new WorkloadPort(p.Name, p.ServicePort, p.Port)).ToArray(),
    };
}
