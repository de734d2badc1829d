using System.Net;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>ServiceEntry and WorkloadEntry: hosts, addresses, resolution and the endpoints of workloads the mesh did not start.</summary>
internal static partial class NetworkingReaders
{
    public static ServiceEntry ServiceEntry(YamlObject spec, ResourceMeta meta)
    {
        var entry = new ServiceEntry
        {
            Metadata = meta,
            Source = spec.Span,
            Hosts = spec.Strings("hosts", h => h == "*" ? "a ServiceEntry host cannot be the wildcard '*'" : IPAddress.TryParse(h, out _) ? null : IstioRules.WildcardDomain(h)),
            Addresses = spec.Strings("addresses", IstioRules.IpOrCidr),
            Ports = spec.List("ports", ServicePort),
            Location = spec.Enum<ServiceEntryLocation>("location") ?? ServiceEntryLocation.MeshExternal,
            Resolution = spec.Enum<ServiceEntryResolution>("resolution") ?? ServiceEntryResolution.None,
            Endpoints = spec.List("endpoints", WorkloadEntry),
            WorkloadSelector = spec.Object("workloadSelector", o => new WorkloadSelector(SelectorLabels(o, "labels"))),
            ExportTo = ExportToList(spec, serviceEntry: true),
        };

        if (IsEmpty(spec, "hosts"))
        {
            spec.Context.Report(FindingCodes.MissingField, spec.Span, "spec.hosts is required: a ServiceEntry names at least one host");
        }

        // The rules Istio's CRD states for the whole spec (its x-kubernetes-validations).
        if (spec.Has("workloadSelector") && spec.Has("endpoints"))
        {
            spec.Report(FindingCodes.InvalidValue, "endpoints", "spec: only one of workloadSelector or endpoints can be set");
        }

        if (entry.Addresses.Any(a => a.Contains('/')) && entry.Resolution is not (ServiceEntryResolution.None or ServiceEntryResolution.Static))
        {
            spec.Report(FindingCodes.InvalidValue, "addresses", "spec.addresses: CIDR addresses are allowed only with resolution NONE or STATIC");
        }

        if (entry.Resolution == ServiceEntryResolution.None && spec.Has("endpoints"))
        {
            spec.Report(FindingCodes.InvalidValue, "endpoints", "spec.endpoints: resolution NONE (the default) cannot have endpoints; set resolution STATIC or DNS");
        }

        if (entry.Resolution == ServiceEntryResolution.DnsRoundRobin && entry.Endpoints.Count > 1)
        {
            spec.Report(FindingCodes.InvalidValue, "endpoints", "spec.endpoints: resolution DNS_ROUND_ROBIN cannot have more than one endpoint");
        }

        foreach (var duplicate in entry.Ports.GroupBy(p => p.Number).Where(g => g.Key > 0 && g.Count() > 1))
        {
            spec.Context.Report(FindingCodes.InvalidValue, duplicate.Skip(1).First().Source, $"spec.ports: port number {duplicate.Key} cannot be used twice");
        }

        foreach (var duplicate in entry.Ports.Where(p => !string.IsNullOrEmpty(p.Name)).GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            spec.Context.Report(FindingCodes.InvalidValue, duplicate.Skip(1).First().Source, $"spec.ports: port name '{duplicate.Key}' cannot be used twice");
        }

        return spec.Finish(entry)!;
    }

    public static WorkloadEntry WorkloadEntryResource(YamlObject spec, ResourceMeta meta) => new()
    {
        Metadata = meta,
        Source = spec.Span,
        Spec = WorkloadEntry(spec),
    };

    internal static WorkloadEntrySpec WorkloadEntry(YamlObject o)
    {
        var ports = new Dictionary<string, int>();
        if (o.Object("ports") is { } portsObject)
        {
            // Ports map a port name to a number; read them through the generic reader for types and ranges.
            foreach (var name in PortNames(portsObject))
            {
                if (portsObject.Int(name, 1, 65535) is { } number)
                {
                    ports[name] = number;
                }
            }

            portsObject.Finish<object>(null);
        }

        var address = o.String("address", EndpointAddress);
        if (address is null && !o.Has("address") && !o.Has("network"))
        {
            o.Context.Report(FindingCodes.MissingField, o.Span, $"{o.Path}.address is required");
        }

        if (address is not null && address.StartsWith("unix://", StringComparison.Ordinal) && ports.Count > 0)
        {
            o.Report(FindingCodes.InvalidValue, "ports", $"{o.Path}.ports: a Unix domain socket address may not have ports");
        }

        foreach (var name in ports.Keys.Where(n => !PortName().IsMatch(n)))
        {
            o.Report(FindingCodes.InvalidValue, "ports", $"{o.Path}.ports: '{name}' is not a port name (a DNS label: letters, digits and '-', under 63 characters)");
        }

        return o.Finish(new WorkloadEntrySpec
        {
            Source = o.Span,
            Address = address ?? "",
            Ports = ports,
            Labels = o.StringMap("labels"),
            ServiceAccount = o.String("serviceAccount"),
            Weight = o.Int("weight", 0),
        })!;
    }

    private static IEnumerable<string> PortNames(YamlObject o) => o.Keys;

    /// <summary>Istio's rules for a Unix domain socket address (<c>unix:///path</c> or <c>unix://@abstract</c>).</summary>
    private static string? EndpointAddress(string address)
    {
        if (!address.StartsWith("unix://", StringComparison.Ordinal))
        {
            return address.Length == 0 ? "an address cannot be empty" : null;
        }

        var path = address["unix://".Length..];
        return path.StartsWith('@') ? (path.Length > 1 ? null : "an abstract socket needs a name")
            : !path.StartsWith('/') ? $"'{address}': a Unix domain socket must be an absolute path or an abstract socket"
            : path.EndsWith('/') ? $"'{address}': a Unix domain socket may not be a directory"
            : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9]([-a-zA-Z0-9]{0,60}[a-zA-Z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex PortName();
}
