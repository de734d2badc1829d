using Mesh.Config.Model;
using Mesh.Config.Model.Networking;

namespace Mesh.Config.Registry;

/// <summary>
/// An immutable snapshot of the mesh's workloads and the services they form. Services come from workloads'
/// <c>app</c> labels (as Kubernetes Services select pods) and from ServiceEntries.
/// </summary>
public sealed class ServiceRegistry
{
    private readonly Dictionary<string, MeshService> _services;

    public ServiceRegistry(IEnumerable<Workload> workloads, IEnumerable<ServiceEntry>? serviceEntries = null, IEnumerable<WorkloadEntry>? workloadEntries = null)
    {
        var registered = workloads.ToArray();
        Workloads = registered.Concat((workloadEntries ?? []).Select(e => FromWorkloadEntry(e, registered)))
            .OrderBy(w => w.Namespace, StringComparer.Ordinal).ThenBy(w => w.Name, StringComparer.Ordinal).ToArray();
        _services = new Dictionary<string, MeshService>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in Workloads.GroupBy(w => (w.App, w.Namespace)))
        {
            var host = Hostnames.ServiceHost(group.Key.App, group.Key.Namespace);
            _services[host] = new MeshService
            {
                Host = host,
                Namespace = group.Key.Namespace,
                Ports = group.SelectMany(w => w.Ports).GroupBy(p => p.ServicePort)
                    .Select(p => new MeshServicePort(p.First().Name, p.Key, p.First().Protocol)).OrderBy(p => p.Number).ToArray(),
                Selector = new Dictionary<string, string> { ["app"] = group.Key.App },
            };
        }

        foreach (var entry in serviceEntries ?? [])
        {
            foreach (var host in entry.Hosts)
            {
                _services.TryAdd(host, FromServiceEntry(entry, host));
            }
        }

        Services = _services.Values.OrderBy(s => s.Host, StringComparer.Ordinal).ToArray();
    }

    public static ServiceRegistry Empty { get; } = new([]);

    public IReadOnlyList<Workload> Workloads { get; }

    public IReadOnlyList<MeshService> Services { get; }

    public MeshService? Service(string fqdn) => _services.GetValueOrDefault(fqdn);

    /// <summary>Services whose host a (possibly wildcard) pattern matches.</summary>
    public IEnumerable<MeshService> Matching(string hostPattern) => Services.Where(s => Hostnames.Matches(hostPattern, s.Host));

    /// <summary>The workloads behind a service, optionally narrowed by subset labels.</summary>
    public IEnumerable<Workload> Endpoints(MeshService service, IReadOnlyDictionary<string, string>? subsetLabels = null)
    {
        var candidates = service.StaticEndpoints ??
            Workloads.Where(w => w.Namespace == service.Namespace && !w.IsGateway && Selects(service.Selector, w.Labels));
        return subsetLabels is null ? candidates : candidates.Where(w => Selects(subsetLabels, w.Labels));
    }

    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);

    /// <summary>
    /// A WorkloadEntry as a workload without a sidecar. Its named ports take the service port of the same name among
    /// its service's registered workloads (as a Kubernetes Service's named targetPort does); a port with no such name
    /// is a service port of its own number; without ports it serves its service's ports on their own numbers.
    /// </summary>
    private static Workload FromWorkloadEntry(WorkloadEntry entry, IReadOnlyList<Workload> registered)
    {
        var spec = entry.Spec;
        var app = spec.Labels.TryGetValue("app", out var a) ? a : entry.Name;
        var servicePorts = registered.Where(w => w.Namespace == entry.Namespace && w.App == app).SelectMany(w => w.Ports)
            .GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ports = spec.Ports.Count > 0
            ? spec.Ports.Select(p => servicePorts.TryGetValue(p.Key, out var known)
                ? new WorkloadPort(p.Key, known.ServicePort, p.Value)
                : new WorkloadPort(p.Key, p.Value, p.Value))
            : servicePorts.Values.Select(p => p with { Port = p.ServicePort });
        return new Workload
        {
            Name = entry.Name,
            Namespace = entry.Namespace,
            Address = spec.Address,
            Labels = spec.Labels.ContainsKey("app") ? spec.Labels : new Dictionary<string, string>(spec.Labels) { ["app"] = app },
            ServiceAccount = spec.ServiceAccount ?? "default",
            HasSidecar = false,
            Ports = ports.ToArray(),
        };
    }

    private static MeshService FromServiceEntry(ServiceEntry entry, string host) => new()
    {
        Host = host,
        Namespace = entry.Namespace,
        External = entry.Location == ServiceEntryLocation.MeshExternal,
        ExportTo = entry.ExportTo,
        Ports = entry.Ports.Select(p => new MeshServicePort(p.Name ?? $"port-{p.Number}", p.Number,
            MeshProtocols.Parse(p.Protocol) ?? MeshProtocols.FromPortName(p.Name))).ToArray(),
        Selector = entry.WorkloadSelector?.Labels ?? new Dictionary<string, string>(),
        StaticEndpoints = entry.WorkloadSelector is null
            ? entry.Endpoints.Select((e, i) => new Workload
            {
                Name = $"{host}-{i}",
                Namespace = entry.Namespace,
                Address = e.Address,
                Labels = e.Labels,
                ServiceAccount = e.ServiceAccount ?? "default",
                HasSidecar = false,
                Ports = entry.Ports.Select(p => new WorkloadPort(p.Name ?? "", p.Number,
                    e.Ports.TryGetValue(p.Name ?? "", out var target) ? target : p.TargetPort ?? p.Number)).ToArray(),
            }).ToArray()
            : null,
    };
}
