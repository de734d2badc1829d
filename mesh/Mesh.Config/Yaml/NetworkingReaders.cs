using System.Net;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>Reads the <c>networking.istio.io</c> kinds from YAML, field by field, with Istio's rules; one file per kind,
/// and here what several kinds share (Sidecar, selectors, ports, exportTo).</summary>
internal static partial class NetworkingReaders
{
    /// <summary>Workload-selector labels as Istio's CRDs allow them: no empty key, and no wildcard in a key or a value.</summary>
    internal static IReadOnlyDictionary<string, string> SelectorLabels(YamlObject o, string key)
    {
        var labels = o.StringMap(key);
        foreach (var (name, value) in labels)
        {
            var problem = name.Length == 0 ? "a label key must not be empty"
                : name.Contains('*') ? $"the wildcard in label key '{name}' is not supported in a selector"
                : value.Contains('*') ? $"the wildcard in label value '{name}: {value}' is not supported in a selector"
                : null;
            if (problem is not null)
            {
                o.Report(FindingCodes.InvalidValue, key, $"{o.Path}.{key}: {problem}");
            }
        }

        return labels;
    }

    public static Sidecar Sidecar(YamlObject spec, ResourceMeta meta) => spec.Finish(new Sidecar
    {
        Metadata = meta,
        Source = spec.Span,
        WorkloadSelector = spec.Object("workloadSelector", o => new WorkloadSelector(SelectorLabels(o, "labels"))),
        Egress = spec.List("egress", o => o.Finish(new SidecarEgress
        {
            Source = o.Span,
            Port = o.Object("port", ServicePort),
            Hosts = o.Strings("hosts", h => IstioRules.NamespaceSlashHost(h, gateway: false)),
        })),
        OutboundTrafficPolicy = spec.Object("outboundTrafficPolicy") is { } policy
            ? policy.Finish(policy.Enum<OutboundTrafficPolicyMode>("mode"))
            : null,
    })!;

    /// <summary>
    /// Istio's exportTo rules: <c>.</c>, <c>*</c> or namespace names, no duplicates, <c>*</c> alone; <c>~</c> (none)
    /// only for a ServiceEntry, and alone.
    /// </summary>
    private static IReadOnlyList<string> ExportToList(YamlObject spec, bool serviceEntry)
    {
        var entries = spec.Strings("exportTo");
        string? problem = null;
        foreach (var entry in entries)
        {
            problem ??= entry switch
            {
                Model.ExportTo.Everywhere or Model.ExportTo.OwnNamespace => null,
                Model.ExportTo.Nowhere when serviceEntry => entries.Count > 1 ? "'~' (no namespace) cannot be combined with other entries" : null,
                Model.ExportTo.Nowhere => "'~' (no namespace) is only allowed for a ServiceEntry",
                _ when NamespaceName().IsMatch(entry) => null,
                _ => $"'{entry}' is not '.', '*' or a namespace name",
            };
        }

        if (problem is null && entries.Contains(Model.ExportTo.Everywhere) && entries.Count > 1)
        {
            problem = "'*' (every namespace) cannot be combined with other entries";
        }

        if (problem is null && entries.Select(e => e == Model.ExportTo.OwnNamespace ? spec.Context.Namespace : e).GroupBy(e => e).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            problem = $"'{duplicate.Key}' is listed twice";
        }

        if (problem is not null)
        {
            spec.Report(FindingCodes.InvalidValue, "exportTo", $"{spec.Path}.exportTo: {problem}");
            return [Model.ExportTo.OwnNamespace];
        }

        return entries;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex NamespaceName();

    internal static ServicePort ServicePort(YamlObject o) => o.Finish(new ServicePort
    {
        Source = o.Span,
        Number = o.Int("number", 1, 65535) ?? (o.Has("number") ? 0 : MissingPort(o, "number")),
        Name = o.String("name"),
        Protocol = o.String("protocol", Protocol),
        TargetPort = o.Int("targetPort", 1, 65535),
    })!;

    /// <summary>Istio's protocol.Parse, which ignores case.</summary>
    private static string? Protocol(string protocol) =>
        protocol.ToUpperInvariant() is "HTTP" or "HTTPS" or "HTTP2" or "HTTP_PROXY" or "GRPC" or "GRPC-WEB" or "TCP" or "TLS" or "UDP" or "MONGO" or "REDIS" or "MYSQL"
            ? null
            : $"'{protocol}' is not a protocol; use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL or UDP";

    /// <summary>Whether a list is absent or empty (what Istio's <c>len(x) == 0</c> refuses).</summary>
    private static bool IsEmpty(YamlObject o, string key) => o.Node(key) is null or YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: 0 };

    private static T? Missing<T>(YamlObject o, string key) where T : class
    {
        o.Report(FindingCodes.MissingField, key, $"{o.Path}.{key} is required");
        return null;
    }

    private static int MissingPort(YamlObject o, string key)
    {
        o.Report(FindingCodes.MissingField, key, $"{o.Path}.{key} is required");
        return 0;
    }
}
