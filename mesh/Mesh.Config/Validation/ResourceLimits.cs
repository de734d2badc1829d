using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Model.Security;
using Mesh.Config.Yaml;

namespace Mesh.Config.Validation;

/// <summary>
/// The rules and match conditions one resource may hold (<see cref="ConfigLimits.MaxRules"/>,
/// <see cref="ConfigLimits.MaxConditions"/>): every proxy compiles them into its route table and evaluates them per
/// request, so they are bounded where they are read.
/// </summary>
internal static class ResourceLimits
{
    public static void Check(MeshResource resource, ReadContext context)
    {
        var (rules, conditions, source) = resource switch
        {
            VirtualService vs => (vs.Http.Count, vs.Http.Sum(r => r.Match.Sum(Conditions) + 1), vs.Source),
            AuthorizationPolicy ap => (ap.Rules.Count, ap.Rules.Sum(Conditions), ap.Source),
            _ => (0, 0, resource.Source),
        };
        var limits = context.Limits;
        if (rules > limits.MaxRules)
        {
            context.Report(FindingCodes.LimitExceeded, source, $"{resource.Key} has {rules} rules; a resource may hold at most {limits.MaxRules}");
        }
        else if (conditions > limits.MaxConditions)
        {
            context.Report(FindingCodes.LimitExceeded, source, $"{resource.Key} has {conditions} match conditions; a resource may hold at most {limits.MaxConditions}");
        }
    }

    private static int Conditions(HttpMatchRequest m) =>
        1 + m.Headers.Count + m.QueryParams.Count + m.WithoutHeaders.Count + m.SourceLabels.Count + m.Gateways.Count;

    private static int Conditions(AuthorizationRule r) =>
        1 + r.From.Sum(f => f.Principals.Count + f.NotPrincipals.Count + f.RequestPrincipals.Count + f.NotRequestPrincipals.Count +
                            f.Namespaces.Count + f.NotNamespaces.Count + f.IpBlocks.Count + f.NotIpBlocks.Count)
          + r.To.Sum(t => t.Hosts.Count + t.NotHosts.Count + t.Ports.Count + t.NotPorts.Count + t.Methods.Count + t.NotMethods.Count + t.Paths.Count + t.NotPaths.Count)
          + r.When.Sum(w => w.Values.Count + w.NotValues.Count);
}
