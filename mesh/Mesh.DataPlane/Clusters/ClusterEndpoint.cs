using Mesh.Config.Registry;

namespace Mesh.DataPlane.Clusters;

/// <summary>One address a cluster can send to, the workload behind it, and whether to speak mutual TLS to it.</summary>
public sealed record ClusterEndpoint(string Address, int Port, Workload Workload, bool MutualTls = false)
{
    public string Authority => Address.Contains(':') ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    public override string ToString() => Authority;
}
