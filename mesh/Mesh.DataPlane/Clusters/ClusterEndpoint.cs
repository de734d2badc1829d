using Mesh.Config.Registry;

namespace Mesh.DataPlane.Clusters;

/// <summary>One address a cluster can send to, and the workload behind it.</summary>
public sealed record ClusterEndpoint(string Address, int Port, Workload Workload)
{
    public string Authority => Address.Contains(':') ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    public override string ToString() => Authority;
}
