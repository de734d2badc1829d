using Mesh.Config.Registry;

namespace Mesh.DataPlane;

/// <summary>Who a proxy is: the workload it stands beside (or the gateway it is), which decides what config applies to it.</summary>
public sealed record ProxyIdentity(Workload Workload)
{
    public string Name => Workload.Name;

    public string Namespace => Workload.Namespace;

    public IReadOnlyDictionary<string, string> Labels => Workload.Labels;

    public bool IsGateway => Workload.IsGateway;
}
