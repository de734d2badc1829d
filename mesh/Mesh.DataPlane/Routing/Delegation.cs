using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;

namespace Mesh.DataPlane.Routing;

/// <summary>
/// VirtualService delegation, as istiod merges it: a root rule with <c>delegate</c> is replaced, in place, by the
/// delegate VirtualService's rules, each matching only within the root rule's match (a delegate rule whose match
/// falls outside it is dropped) and inheriting the root's settings it does not set itself. A delegate has no hosts
/// of its own; its short destination hosts are its own namespace's; it must be exported to the root's namespace; and
/// it cannot delegate further.
/// </summary>
internal static class Delegation
{
    public static IReadOnlyList<VirtualService> Resolve(IReadOnlyList<VirtualService> all, ICollection<string> warnings)
    {
        if (!all.Any(v => v.Hosts.Count > 0 && v.Http.Any(r => r.Delegate is not null)))
        {
            return all;
        }

        var delegates = all.Where(v => v.Hosts.Count == 0).ToDictionary(v => $"{v.Namespace}/{v.Name}", StringComparer.Ordinal);
        return all.Select(root => root.Hosts.Count > 0 && root.Http.Any(r => r.Delegate is not null)
            ? root with { Http = root.Http.SelectMany(rule => Expand(root, rule, delegates, warnings)).ToArray() }
            : root).ToArray();
    }

    private static IEnumerable<HttpRoute> Expand(VirtualService root, HttpRoute rule, Dictionary<string, VirtualService> delegates, ICollection<string> warnings)
    {
        if (rule.Delegate is not { } name)
        {
            return [rule];
        }

        if (!delegates.TryGetValue(name, out var target) || !ExportTo.IsVisible(target.ExportTo, target.Namespace, root.Namespace))
        {
            warnings.Add($"VirtualService {root.Namespace}/{root.Name} delegates to {name}, which is not a delegate VirtualService visible to namespace {root.Namespace}; the rule routes nothing");
            return [];
        }

        var merged = new List<HttpRoute>();
        foreach (var leaf in target.Http)
        {
            if (leaf.Delegate is not null)
            {
                warnings.Add($"delegate VirtualService {name} delegates again; Istio allows one level, so that rule is dropped");
            }
            else if (Merge(rule, Qualified(leaf, target.Namespace)) is { } route)
            {
                merged.Add(route);
            }
            else
            {
                warnings.Add($"a rule of delegate VirtualService {name} matches outside the root rule of {root.Namespace}/{root.Name} that delegates to it; it is dropped");
            }
        }

        return merged;
    }

    /// <summary>The delegate's rule inside the root's: merged matches, and the root's settings where the leaf has none.</summary>
    private static HttpRoute? Merge(HttpRoute root, HttpRoute leaf)
    {
        var matches = MergeMatches(root.Match, leaf.Match);
        return matches is null ? null : leaf with
        {
            Match = matches,
            Name = leaf.Name is null ? root.Name : root.Name is null ? leaf.Name : $"{root.Name}-{leaf.Name}",
            Rewrite = leaf.Rewrite ?? root.Rewrite,
            DirectResponse = leaf.DirectResponse ?? root.DirectResponse,
            Timeout = leaf.Timeout ?? root.Timeout,
            Retries = leaf.Retries ?? root.Retries,
            Fault = leaf.Fault ?? root.Fault,
            Mirror = leaf.Mirror ?? root.Mirror,
            MirrorPercentage = leaf.MirrorPercentage ?? root.MirrorPercentage,
            Mirrors = leaf.Mirrors.Count > 0 ? leaf.Mirrors : root.Mirrors,
            CorsPolicy = leaf.CorsPolicy ?? root.CorsPolicy,
            Headers = leaf.Headers ?? root.Headers,
        };
    }

    /// <summary>Each leaf match must lie within some root match; it is merged with every root match it does not conflict with.</summary>
    private static IReadOnlyList<HttpMatchRequest>? MergeMatches(IReadOnlyList<HttpMatchRequest> root, IReadOnlyList<HttpMatchRequest> leaf)
    {
        if (root.Count == 0)
        {
            return leaf;
        }

        if (leaf.Count == 0)
        {
            return root;
        }

        var merged = new List<HttpMatchRequest>();
        foreach (var match in leaf)
        {
            var within = root.Where(r => !Conflicts(r, match)).ToArray();
            if (within.Length == 0)
            {
                return null;
            }

            merged.AddRange(within.Select(r => Merge(r, match)));
        }

        return merged;
    }

    private static HttpMatchRequest Merge(HttpMatchRequest root, HttpMatchRequest leaf) => leaf with
    {
        Name = leaf.Name is null ? root.Name : root.Name is null ? leaf.Name : $"{root.Name}-{leaf.Name}",
        Uri = leaf.Uri ?? root.Uri,
        Scheme = leaf.Scheme ?? root.Scheme,
        Method = leaf.Method ?? root.Method,
        Authority = leaf.Authority ?? root.Authority,
        Headers = Union(root.Headers, leaf.Headers),
        WithoutHeaders = Union(root.WithoutHeaders, leaf.WithoutHeaders),
        QueryParams = Union(root.QueryParams, leaf.QueryParams),
        Port = leaf.Port ?? root.Port,
        SourceLabels = Union(root.SourceLabels, leaf.SourceLabels),
        SourceNamespace = leaf.SourceNamespace ?? root.SourceNamespace,
        Gateways = leaf.Gateways.Count > 0 ? leaf.Gateways : root.Gateways,
    };

    /// <summary>Istio's hasConflict: the leaf's condition must narrow the root's, never contradict it.</summary>
    private static bool Conflicts(HttpMatchRequest root, HttpMatchRequest leaf) =>
        Conflicts(root.Uri, leaf.Uri) || Conflicts(root.Scheme, leaf.Scheme) || Conflicts(root.Method, leaf.Method) || Conflicts(root.Authority, leaf.Authority) ||
        leaf.Headers.Any(h => Conflicts(root.Headers.GetValueOrDefault(h.Key), h.Value)) ||
        leaf.WithoutHeaders.Any(h => Conflicts(root.WithoutHeaders.GetValueOrDefault(h.Key), h.Value)) ||
        leaf.QueryParams.Any(q => Conflicts(root.QueryParams.GetValueOrDefault(q.Key), q.Value)) ||
        root.IgnoreUriCase != leaf.IgnoreUriCase ||
        (root.Port is { } rootPort && leaf.Port is { } leafPort && rootPort != leafPort) ||
        (root.SourceNamespace is { } ns && leaf.SourceNamespace != ns) ||
        leaf.SourceLabels.Any(l => root.SourceLabels.TryGetValue(l.Key, out var value) && value != l.Value) ||
        (root.Gateways.Count > 0 && leaf.Gateways.Count > 0 && !leaf.Gateways.All(root.Gateways.Contains));

    /// <summary>Istio's stringMatchConflict: a leaf within an exact root must be that exact value, within a prefix a longer prefix or an exact value under it.</summary>
    private static bool Conflicts(StringMatch? root, StringMatch? leaf)
    {
        if (root is null || leaf is null)
        {
            return false;
        }

        return (root.Kind, leaf.Kind) switch
        {
            (StringMatchKind.Regex, _) or (_, StringMatchKind.Regex) => true,
            (StringMatchKind.Exact, StringMatchKind.Exact) => root.Value != leaf.Value,
            (StringMatchKind.Exact, _) => true,
            (StringMatchKind.Prefix, _) => !leaf.Value.StartsWith(root.Value, StringComparison.Ordinal),
            _ => true,
        };
    }

    private static IReadOnlyDictionary<string, T> Union<T>(IReadOnlyDictionary<string, T> root, IReadOnlyDictionary<string, T> leaf)
    {
        if (root.Count == 0)
        {
            return leaf;
        }

        var union = new Dictionary<string, T>(root, StringComparer.Ordinal);
        foreach (var (key, value) in leaf)
        {
            union[key] = value;
        }

        return union;
    }

    /// <summary>A delegate's short destination hosts are its own namespace's, as istiod resolves them before merging.</summary>
    private static HttpRoute Qualified(HttpRoute rule, string ns) => rule with
    {
        Route = rule.Route.Select(d => d with { Destination = Qualified(d.Destination, ns) }).ToArray(),
        Mirror = rule.Mirror is null ? null : Qualified(rule.Mirror, ns),
        Mirrors = rule.Mirrors.Select(m => m with { Destination = Qualified(m.Destination, ns) }).ToArray(),
    };

    private static Destination Qualified(Destination destination, string ns) => destination with { Host = Hostnames.Qualify(destination.Host, ns) };
}
