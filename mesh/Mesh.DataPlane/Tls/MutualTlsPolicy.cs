using Mesh.Config.Model.Security;
using Mesh.Config.Registry;

namespace Mesh.DataPlane.Tls;

/// <summary>
/// Istio's PeerAuthentication precedence for one workload and port: a policy selecting the workload (with its
/// <c>portLevelMtls</c>) beats its namespace's policy, which beats the mesh-wide policy in the root namespace; an
/// unset mode inherits from the next scope; with no policy at all the mode is PERMISSIVE.
/// </summary>
public static class MutualTlsPolicy
{
    public const string RootNamespace = "istio-system";

    public static MutualTlsMode Resolve(IEnumerable<PeerAuthentication> policies, Workload workload, int port)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(workload);
        var all = policies.ToArray();
        var workloadPolicy = all.Where(p => p.Namespace == workload.Namespace && p.Selector is { Labels.Count: > 0 } s && s.Matches(workload.Labels))
            .OrderBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault();
        var namespacePolicy = all.FirstOrDefault(p => p.Namespace == workload.Namespace && p.Selector is null or { Labels.Count: 0 });
        var meshPolicy = all.FirstOrDefault(p => p.Namespace == RootNamespace && p.Selector is null or { Labels.Count: 0 });

        if (workloadPolicy is not null && workloadPolicy.PortLevelMtls.TryGetValue(port, out var portMode) && portMode != MutualTlsMode.Unset)
        {
            return portMode;
        }

        foreach (var mode in new[] { workloadPolicy?.Mtls, namespacePolicy?.Mtls, meshPolicy?.Mtls })
        {
            if (mode is { } set && set != MutualTlsMode.Unset)
            {
                return set;
            }
        }

        return MutualTlsMode.Permissive;
    }
}
