using Mesh.Config.Source;

namespace Mesh.Config.Model.Networking;

/// <summary>Istio Sidecar: scopes which hosts a workload's proxy can reach (its egress listeners).</summary>
public sealed record Sidecar : MeshResource
{
    public override string Kind => "Sidecar";

    public WorkloadSelector? WorkloadSelector { get; init; }

    public IReadOnlyList<SidecarEgress> Egress { get; init; } = [];

    public OutboundTrafficPolicyMode? OutboundTrafficPolicy { get; init; }

    /// <summary>The root namespace, whose Sidecar without a selector is the mesh-wide default (as Istio's istio-system).</summary>
    public const string RootNamespace = "istio-system";

    /// <summary>
    /// The Sidecar that applies to a proxy, by Istio's precedence: one in its namespace selecting its workload, else its
    /// namespace's default, else the root namespace's default. Null: none applies and every host is visible.
    /// </summary>
    public static Sidecar? For(IEnumerable<Sidecar> sidecars, string proxyNamespace, IReadOnlyDictionary<string, string> labels)
    {
        var all = sidecars as IReadOnlyCollection<Sidecar> ?? [.. sidecars];
        return all.FirstOrDefault(s => s.Namespace == proxyNamespace && s.WorkloadSelector is { } selector && selector.Matches(labels))
            ?? all.FirstOrDefault(s => s.Namespace == proxyNamespace && s.WorkloadSelector is null)
            ?? all.FirstOrDefault(s => s.Namespace == RootNamespace && s.WorkloadSelector is null);
    }

    /// <summary>
    /// The namespaces this Sidecar's egress hosts can reach (<c>.</c> is the Sidecar's own), or null when one of them is
    /// <c>*</c> or there are no egress listeners (everything is visible).
    /// </summary>
    public IReadOnlySet<string>? VisibleNamespaces()
    {
        if (Egress.Count == 0)
        {
            return null;
        }

        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in Egress.SelectMany(e => e.Hosts))
        {
            var slash = host.IndexOf('/');
            var ns = slash < 0 ? "*" : host[..slash];
            if (ns == "*")
            {
                return null;
            }

            if (ns != "~")
            {
                namespaces.Add(ns == "." ? Namespace : ns);
            }
        }

        return namespaces;
    }
}

/// <summary>An egress listener: the hosts, as <c>namespace/dnsName</c>, it may reach.</summary>
public sealed record SidecarEgress
{
    public required SourceSpan Source { get; init; }

    public ServicePort? Port { get; init; }

    public IReadOnlyList<string> Hosts { get; init; } = [];
}

/// <summary>Whether unknown outbound destinations are allowed.</summary>
public enum OutboundTrafficPolicyMode
{
    RegistryOnly,
    AllowAny,
}
