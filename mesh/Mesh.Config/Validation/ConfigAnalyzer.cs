using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;

namespace Mesh.Config.Validation;

/// <summary>
/// Checks a whole config set, across resources and against the registry, the way <c>istioctl analyze</c> and
/// Kiali do. Schema problems are found by <see cref="ConfigLoader"/>; this finds what only the whole set shows.
/// </summary>
public static class ConfigAnalyzer
{
    /// <summary>Analyzes a set. With a registry that has workloads, host and subset-label checks run too.</summary>
    public static IReadOnlyList<Finding> Analyze(ConfigSet config, ServiceRegistry? registry = null, ConfigLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var findings = new List<Finding>();
        CheckTotalSize(config, limits ?? ConfigLimits.Default, findings);
        if (registry is not null && config.WorkloadEntries.Count > 0)
        {
            // Workloads the mesh did not start are endpoints too.
            registry = new ServiceRegistry(registry.Workloads, config.ServiceEntries, config.WorkloadEntries);
        }

        var useRegistry = registry is { Workloads.Count: > 0 };
        var knownHosts = useRegistry ? registry!.Services.Select(s => s.Host).Concat(config.ServiceEntries.SelectMany(e => e.Hosts)).ToHashSet(StringComparer.OrdinalIgnoreCase) : null;

        foreach (var rule in config.DestinationRules)
        {
            CheckDestinationRule(rule, registry, knownHosts, findings);
        }

        foreach (var vs in config.VirtualServices)
        {
            CheckVirtualService(vs, config, knownHosts, findings);
        }

        CheckConflicts(config, findings);
        CheckGatewayConflicts(config, findings);
        CheckSelectorless(config.Sidecars, s => s.WorkloadSelector is null, FindingCodes.MultipleSidecarsWithoutSelector, "Sidecar", findings);
        CheckSelectorless(config.Telemetries, t => t.Selector is null, FindingCodes.MultipleTelemetriesWithoutSelector, "Telemetry", findings);
        CheckClaimRouting(config, findings);
        return findings;
    }

    /// <summary>
    /// Istio's ConflictingGateways analyzer: two Gateways that can select one workload (one selector within the other)
    /// and serve an overlapping host on the same port leave the listener's owner undefined. Both are reported.
    /// </summary>
    private static void CheckGatewayConflicts(ConfigSet config, List<Finding> findings)
    {
        var gateways = config.Gateways;
        var reported = new HashSet<Gateway>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < gateways.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var (a, b) = (gateways[j], gateways[i]);
                if (!Within(a.Selector.Labels, b.Selector.Labels) && !Within(b.Selector.Labels, a.Selector.Labels))
                {
                    continue;
                }

                var clash = (from sb in b.Servers
                             from sa in a.Servers
                             where sa.Port.Number == sb.Port.Number
                             from hb in sb.Hosts
                             from ha in sa.Hosts
                             where HostsOverlap(HostPart(ha), HostPart(hb))
                             select (A: sa, B: sb, Host: hb)).FirstOrDefault();
                if (clash.B is null)
                {
                    continue;
                }

                foreach (var (gateway, server, other) in new[] { (a, clash.A, b), (b, clash.B, a) })
                {
                    if (reported.Add(gateway))
                    {
                        findings.Add(FindingCodes.ConflictingGateways.At(server.Source,
                            $"Gateway {gateway.Namespace}/{gateway.Name} serves host '{clash.Host}' on port {server.Port.Number} for the same workloads as Gateway {other.Namespace}/{other.Name}; which one answers is undefined", gateway.Key));
                    }
                }
            }
        }
    }

    private static bool Within(IReadOnlyDictionary<string, string> inner, IReadOnlyDictionary<string, string> outer) =>
        inner.All(l => outer.TryGetValue(l.Key, out var v) && v == l.Value);

    private static string HostPart(string host) => host.IndexOf('/') is var slash and >= 0 ? host[(slash + 1)..] : host;

    private static bool HostsOverlap(string a, string b) =>
        a == "*" || b == "*" || string.Equals(a, b, StringComparison.OrdinalIgnoreCase) || Hostnames.Matches(a, b) || Hostnames.Matches(b, a);

    /// <summary>Istio's IST0111 and IST0160: more than one selector-less resource of a kind in one namespace.</summary>
    private static void CheckSelectorless<T>(IEnumerable<T> resources, Func<T, bool> selectorless, FindingCode code, string kind, List<Finding> findings)
        where T : MeshResource
    {
        foreach (var group in resources.Where(selectorless).GroupBy(r => r.Namespace).Where(g => g.Count() > 1))
        {
            var names = string.Join(", ", group.Select(r => r.Name));
            foreach (var resource in group)
            {
                findings.Add(code.At(resource.Source,
                    $"namespace {group.Key} has {group.Count()} {kind} resources without a selector ({names}); which one applies is undefined, so keep one", resource.Key));
            }
        }
    }

    /// <summary>
    /// Istio's IST0149: routing on <c>@request.auth.claims</c> at a gateway needs a RequestAuthentication that covers
    /// the gateway's workloads, or the claim is never there to match.
    /// </summary>
    private static void CheckClaimRouting(ConfigSet config, List<Finding> findings)
    {
        foreach (var vs in config.VirtualServices)
        {
            var claims = vs.Http.SelectMany(r => r.Match).SelectMany(m => m.Headers.Concat(m.WithoutHeaders)).Where(h => IstioRules.IsClaim(h.Key)).ToArray();
            if (claims.Length == 0)
            {
                continue;
            }

            foreach (var reference in vs.Gateways.Where(g => g != VirtualService.MeshGateway))
            {
                var (ns, name) = GatewayReference.Split(reference, vs.Namespace);
                if (config.Gateways.FirstOrDefault(g => g.Name == name && g.Namespace == ns) is not { } gateway)
                {
                    continue;
                }

                var covered = config.RequestAuthentications.Any(r =>
                    (r.Namespace == gateway.Namespace || r.Namespace == Sidecar.RootNamespace) &&
                    (r.Selector is null || r.Selector.Labels.All(l => gateway.Selector.Labels.TryGetValue(l.Key, out var v) && v == l.Value)));
                if (!covered)
                {
                    findings.Add(FindingCodes.ClaimRoutingWithoutRequestAuthentication.At(claims[0].Value.Source,
                        $"routing on '{claims[0].Key}' at gateway {ns}/{name}, but no RequestAuthentication applies to that gateway's workloads, so the claim is never present", vs.Key));
                }
            }
        }
    }

    /// <summary>Every proxy is sent the whole set in one message, so the set as a whole is bounded too.</summary>
    private static void CheckTotalSize(ConfigSet config, ConfigLimits limits, List<Finding> findings)
    {
        var sizes = config.Resources.Select(r => (Resource: r, Bytes: (long)System.Text.Encoding.UTF8.GetByteCount(r.Document?.Text ?? ""))).ToArray();
        var total = sizes.Sum(s => s.Bytes);
        if (total > limits.MaxTotalBytes)
        {
            var largest = sizes.MaxBy(s => s.Bytes).Resource;
            findings.Add(FindingCodes.LimitExceeded.At(largest.Source,
                $"the config would hold {total} bytes of YAML in all ({largest.Key} is the largest resource); all config together may hold at most {limits.MaxTotalBytes} bytes, so that every proxy can take it in one push",
                largest.Key));
        }
    }

    private static void CheckDestinationRule(DestinationRule rule, ServiceRegistry? registry, HashSet<string>? knownHosts, List<Finding> findings)
    {
        var host = Hostnames.Qualify(rule.Host, rule.Namespace);
        foreach (var duplicate in rule.Subsets.GroupBy(s => s.Name).Where(g => g.Count() > 1))
        {
            foreach (var subset in duplicate.Skip(1))
            {
                findings.Add(FindingCodes.DuplicateSubset.At(subset.Source,
                    $"subset '{subset.Name}' is defined more than once in DestinationRule {rule.Name}; rename or remove one", rule.Key));
            }
        }

        if (knownHosts is not null && !HostKnown(host, knownHosts))
        {
            findings.Add(FindingCodes.HostNotFound.At(rule.Source,
                $"host '{rule.Host}' ({host}) matches no service in the registry or any ServiceEntry", rule.Key));
            return;
        }

        if (registry is { Workloads.Count: > 0 } && registry.Service(host) is { } service)
        {
            foreach (var subset in rule.Subsets.Where(s => !registry.Endpoints(service, s.Labels).Any()))
            {
                findings.Add(FindingCodes.SubsetSelectsNoWorkload.At(subset.Source,
                    $"subset '{subset.Name}' of {rule.Host} selects {Labels(subset.Labels)}, which matches no registered workload", rule.Key));
            }
        }
    }

    private static void CheckVirtualService(VirtualService vs, ConfigSet config, HashSet<string>? knownHosts, List<Finding> findings)
    {
        if (vs.Hosts.Count == 0 && vs.Gateways.Count > 0)
        {
            // A VirtualService without hosts is a delegate, which Istio allows only without gateways.
            findings.Add(FindingCodes.InvalidValue.At(vs.Source, "a VirtualService without hosts is a delegate, and a delegate must have no gateways", vs.Key));
        }

        foreach (var gateway in vs.Gateways.Where(g => g != VirtualService.MeshGateway))
        {
            var (ns, name) = GatewayReference.Split(gateway, vs.Namespace);
            if (!config.Gateways.Any(g => g.Name == name && g.Namespace == ns))
            {
                findings.Add(FindingCodes.GatewayNotFound.At(vs.Source,
                    $"gateway '{gateway}' does not exist; create a Gateway {ns}/{name} or fix the reference", vs.Key));
            }
        }

        var catchAll = -1;
        for (var i = 0; i < vs.Http.Count; i++)
        {
            var route = vs.Http[i];
            if (catchAll >= 0)
            {
                findings.Add(FindingCodes.UnreachableRule.At(route.Source,
                    $"http[{i}]{Named(route)} can never match: http[{catchAll}] before it matches every request; move it earlier or add a match to http[{catchAll}]", vs.Key));
            }
            else if (route.IsCatchAll)
            {
                catchAll = i;
            }

            CheckRouteAction(vs, route, i, config, findings);
            CheckWeights(vs, route, i, findings);
            foreach (var destination in Destinations(route))
            {
                CheckDestination(vs, destination, config, knownHosts, findings);
            }
        }
    }

    private static void CheckRouteAction(VirtualService vs, HttpRoute route, int index, ConfigSet config, List<Finding> findings)
    {
        var actions = (route.Route.Count > 0 ? 1 : 0) + (route.Redirect is null ? 0 : 1) + (route.DirectResponse is null ? 0 : 1);
        if (route.Delegate is { } target)
        {
            // A root rule hands its requests to the delegate, and Istio refuses a route or redirect beside it.
            if (route.Route.Count > 0 || route.Redirect is not null)
            {
                findings.Add(FindingCodes.InvalidValue.At(route.Source, $"http[{index}]{Named(route)} delegates, so it must not set route or redirect", vs.Key));
            }

            if (vs.Hosts.Count == 0)
            {
                findings.Add(FindingCodes.InvalidValue.At(route.Source, $"http[{index}]{Named(route)}: a delegate VirtualService cannot delegate again", vs.Key));
            }
            else if (!config.VirtualServices.Any(d => d.Hosts.Count == 0 && $"{d.Namespace}/{d.Name}" == target))
            {
                findings.Add(FindingCodes.DelegateNotFound.At(route.Source,
                    $"http[{index}]{Named(route)} delegates to {target}, which is not a VirtualService without hosts; the rule would route nothing", vs.Key));
            }
        }
        else if (actions == 0)
        {
            findings.Add(FindingCodes.NoRouteAction.At(route.Source, $"http[{index}]{Named(route)} needs one of route, redirect or directResponse", vs.Key));
        }
        else if (actions > 1)
        {
            findings.Add(FindingCodes.InvalidValue.At(route.Source, $"http[{index}]{Named(route)} may set only one of route, redirect or directResponse", vs.Key));
        }
    }

    /// <summary>
    /// Weights are relative, as in Istio: the proxy sends each destination its weight over the total. Istio refuses
    /// only negative weights (the reader does) and, with several destinations, an all-zero total; a total beyond a
    /// 32-bit integer could not be drawn from.
    /// </summary>
    private static void CheckWeights(VirtualService vs, HttpRoute route, int index, List<Finding> findings)
    {
        if (route.Route.Count < 2)
        {
            return;
        }

        var total = route.Route.Sum(d => (long)(d.Weight ?? 0));
        if (total == 0)
        {
            findings.Add(FindingCodes.WeightsTotalZero.At(route.Source,
                $"http[{index}]{Named(route)} total destination weight = 0: no destination can be chosen ({string.Join(" + ", route.Route.Select(d => $"{d.Destination} {d.Weight ?? 0}"))})", vs.Key));
        }
        else if (total > int.MaxValue)
        {
            findings.Add(FindingCodes.InvalidValue.At(route.Source, $"http[{index}]{Named(route)} destination weights total {total}, beyond {int.MaxValue}", vs.Key));
        }
    }

    private static void CheckDestination(VirtualService vs, Destination destination, ConfigSet config, HashSet<string>? knownHosts, List<Finding> findings)
    {
        var host = Hostnames.Qualify(destination.Host, vs.Namespace);
        if (knownHosts is not null && !HostKnown(host, knownHosts))
        {
            findings.Add(FindingCodes.HostNotFound.At(destination.Source,
                $"destination host '{destination.Host}' ({host}) matches no service in the registry or any ServiceEntry", vs.Key));
        }

        if (destination.Subset is not { } subset)
        {
            return;
        }

        var rules = config.DestinationRules.Where(r => Hostnames.Matches(Hostnames.Qualify(r.Host, r.Namespace), host)).ToArray();
        if (!rules.Any(r => r.Subsets.Any(s => s.Name == subset)))
        {
            findings.Add(FindingCodes.SubsetNotFound.At(destination.Source,
                rules.Length == 0
                    ? $"subset '{subset}' of host '{destination.Host}' is not defined: no DestinationRule exists for {host}"
                    : $"subset '{subset}' of host '{destination.Host}' is not defined in DestinationRule {string.Join(", ", rules.Select(r => r.Name))} (it has {string.Join(", ", rules.SelectMany(r => r.Subsets).Select(s => s.Name))})",
                vs.Key));
        }
    }

    private static void CheckConflicts(ConfigSet config, List<Finding> findings)
    {
        var owners = new Dictionary<(string Host, string Gateway), VirtualService>();
        foreach (var vs in config.VirtualServices)
        {
            var gateways = vs.Gateways.Count == 0 ? [VirtualService.MeshGateway] : vs.Gateways;
            foreach (var gateway in gateways.Where(g => g == VirtualService.MeshGateway))
            {
                foreach (var host in vs.Hosts.Select(h => Hostnames.Qualify(h, vs.Namespace)))
                {
                    if (owners.TryGetValue((host, gateway), out var first))
                    {
                        findings.Add(FindingCodes.ConflictingVirtualServices.At(vs.Source,
                            $"host '{host}' is already routed by VirtualService {first.Namespace}/{first.Name} ({first.Source}); merge the rules into one VirtualService", vs.Key));
                    }
                    else
                    {
                        owners[(host, gateway)] = vs;
                    }
                }
            }
        }

        foreach (var group in config.DestinationRules.Where(r => r.WorkloadSelector is null)
                     .GroupBy(r => (Hostnames.Qualify(r.Host, r.Namespace), r.Namespace)).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var rule in group.Skip(1))
            {
                findings.Add(FindingCodes.ConflictingDestinationRules.At(rule.Source,
                    $"DestinationRule {rule.Name} is for the same host as {first.Name} ({first.Source}); only {first.Name} applies", rule.Key));
            }
        }
    }

    private static IEnumerable<Destination> Destinations(HttpRoute route) =>
        route.Route.Select(d => d.Destination)
            .Concat(route.Mirror is null ? [] : [route.Mirror])
            .Concat(route.Mirrors.Select(m => m.Destination));

    private static bool HostKnown(string host, HashSet<string> knownHosts) =>
        host.StartsWith('*') ? knownHosts.Any(k => Hostnames.Matches(host, k)) : knownHosts.Contains(host) || knownHosts.Any(k => k.StartsWith('*') && Hostnames.Matches(k, host));

    private static string Named(HttpRoute route) => route.Name is null ? "" : $" ('{route.Name}')";

    private static string Labels(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}")) + "}";
}
