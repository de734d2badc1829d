namespace Mesh.ControlPlane.Console;

/// <summary>The two graph types of the console, after Kiali's: one node per workload, or per app version with service nodes between.</summary>
public enum GraphType
{
    /// <summary>One node per workload; a call that never reached a workload (no healthy upstream, overflow, an injected abort) ends at its service.</summary>
    Workload,

    /// <summary>One node per app version and one per service: productpage v1 → reviews → reviews v1/v2/v3.</summary>
    VersionedApp,
}

/// <summary>Healthy, degraded or failing, by the share of requests answered 5xx (or not at all).</summary>
public enum Health
{
    Idle,
    Healthy,
    Degraded,
    Failing,
}

/// <summary>The error-rate thresholds health colours come from (fractions of requests, as Kiali's tolerance config).</summary>
public sealed record HealthThresholds(double Degraded = 0.01, double Failing = 0.20)
{
    public Health Of(double requestsPerSecond, double errorRate) =>
        requestsPerSecond <= 0 ? Health.Idle
        : errorRate >= Failing ? Health.Failing
        : errorRate >= Degraded ? Health.Degraded
        : Health.Healthy;
}

/// <summary>One series of a Prometheus instant vector: its labels and value.</summary>
public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string this[string label] => Labels.TryGetValue(label, out var value) && value.Length > 0 ? value : "unknown";
}

public sealed record GraphNode(string Id, string Kind, string Label, string Namespace, string App, string Version, string? Workload,
    double InboundRps, double InboundErrorRate, double OutboundRps, Health Health);

/// <summary>
/// Traffic from one node to another in the window: requests per second, the share of the source's calls to that service
/// (the live split), the error rate, p99 in milliseconds (null without samples), the share sent over mutual TLS, and
/// requests per second by response code.
/// </summary>
public sealed record GraphEdge(string Source, string Target, string Service, double Rps, double Share, double ErrorRate, double? P99,
    double MtlsShare, Health Health, IReadOnlyDictionary<string, double> ByCode);

public sealed record TopologyGraph(GraphType Type, string Window, DateTimeOffset At, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    /// <summary>
    /// Builds the graph from instant vectors over the window: request rates reported by the calling proxy
    /// (<c>reporter="source"</c>, by source, destination, code and flags); their p99, by destination workload (drawn on
    /// the edge that reached it) and by destination service (the edge into a service node); and request rates reported by
    /// the called proxy with <c>connection_security_policy</c> (only the destination knows whether the peer sent a
    /// certificate). <paramref name="gateways"/> names the workloads that are gateways.
    /// </summary>
    public static TopologyGraph Build(GraphType type, string window, DateTimeOffset at, IReadOnlyList<Sample> requests,
        IReadOnlyList<Sample> p99, IReadOnlyList<Sample> security, IReadOnlySet<string> gateways, HealthThresholds thresholds)
    {
        var nodes = new NodeSet(gateways);
        var edges = new Dictionary<(string, string), EdgeBuilder>();

        foreach (var sample in requests.Where(s => s.Value > 0))
        {
            foreach (var (from, to, service) in Hops(type, sample, nodes))
            {
                var edge = Edge(edges, from, to, service);
                edge.Rps += sample.Value;
                var code = sample["response_code"];
                edge.ByCode[code] = edge.ByCode.GetValueOrDefault(code) + sample.Value;
                if (IsError(code))
                {
                    edge.Errors += sample.Value;
                }
            }
        }

        foreach (var sample in p99.Where(s => !double.IsNaN(s.Value)))
        {
            // By destination workload: the edge that reached it. By service only: the edge into the service node.
            var hops = Hops(type, sample, nodes).ToArray();
            var hop = sample.Labels.ContainsKey("destination_workload") ? hops[^1] : type == GraphType.VersionedApp ? hops[0] : default;
            if (hop != default && edges.TryGetValue((hop.From, hop.To), out var edge))
            {
                edge.P99 = Math.Max(edge.P99 ?? 0, sample.Value);
            }
        }

        foreach (var sample in security.Where(s => s.Value > 0))
        {
            foreach (var hop in Hops(type, sample, nodes))
            {
                if (edges.TryGetValue((hop.From, hop.To), out var edge))
                {
                    edge.Secured += sample["connection_security_policy"] == "mutual_tls" ? sample.Value : 0;
                    edge.SecurityTotal += sample.Value;
                }
            }
        }

        // The split: each edge's share of what its source sent to the same service.
        var toService = edges.Values.GroupBy(e => (e.From, e.Service)).ToDictionary(g => g.Key, g => g.Sum(e => e.Rps));
        var builtEdges = edges.Values
            .OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
            .Select(e =>
            {
                var errorRate = e.Rps > 0 ? e.Errors / e.Rps : 0;
                var total = toService[(e.From, e.Service)];
                return new GraphEdge(e.From, e.To, e.Service, e.Rps, total > 0 ? e.Rps / total : 0, errorRate, e.P99,
                    e.SecurityTotal > 0 ? e.Secured / e.SecurityTotal : 0, thresholds.Of(e.Rps, errorRate),
                    e.ByCode.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value));
            })
            .ToArray();

        var builtNodes = nodes.All.OrderBy(n => n.Id, StringComparer.Ordinal).Select(n =>
        {
            var inbound = builtEdges.Where(e => e.Target == n.Id).ToArray();
            var inRps = inbound.Sum(e => e.Rps);
            var inErrors = inRps > 0 ? inbound.Sum(e => e.Rps * e.ErrorRate) / inRps : 0;
            var outRps = builtEdges.Where(e => e.Source == n.Id).Sum(e => e.Rps);
            // A node that only calls (the gateway, a client) is judged by what it sent.
            var health = inRps > 0 ? thresholds.Of(inRps, inErrors)
                : thresholds.Of(outRps, outRps > 0 ? builtEdges.Where(e => e.Source == n.Id).Sum(e => e.Rps * e.ErrorRate) / outRps : 0);
            return new GraphNode(n.Id, n.Kind, n.Label, n.Namespace, n.App, n.Version, n.Workload, inRps, inErrors, outRps, health);
        }).ToArray();

        return new TopologyGraph(type, window, at, builtNodes, builtEdges);
    }

    /// <summary>5xx, or no response at all (code 0: the proxy reset or gave up), counts as an error, as in Istio's success-rate dashboards.</summary>
    public static bool IsError(string code) => code == "0" || code.StartsWith('5');

    /// <summary>The edges one series of a source proxy's metrics is drawn on, creating their nodes.</summary>
    private static IEnumerable<(string From, string To, string Service)> Hops(GraphType type, Sample sample, NodeSet nodes)
    {
        var ns = sample["source_workload_namespace"];
        var service = sample["destination_service_name"];
        var serviceNs = sample["destination_workload_namespace"] is var dns && dns != "unknown" ? dns : ns;
        var source = nodes.Endpoint(type, sample["source_workload"], ns, sample["source_app"], sample["source_version"]);
        var serviceNode = nodes.Get($"service:{serviceNs}/{service}", "service", service, serviceNs, service, "", null);
        var reached = sample["destination_workload"] != "unknown";
        var destination = reached
            ? nodes.Endpoint(type, sample["destination_workload"], serviceNs, sample["destination_app"], sample["destination_version"])
            : null;
        if (type == GraphType.Workload)
        {
            yield return (source, destination ?? serviceNode, service);
            yield break;
        }

        yield return (source, serviceNode, service);
        if (destination is not null)
        {
            yield return (serviceNode, destination, service);
        }
    }

    /// <summary>The nodes of a graph being built, each made on first sight.</summary>
    private sealed class NodeSet(IReadOnlySet<string> gateways)
    {
        private readonly Dictionary<string, NodeBuilder> _nodes = new(StringComparer.Ordinal);

        public IEnumerable<NodeBuilder> All => _nodes.Values;

        /// <summary>A workload's node: itself in a workload graph, its app version in a versioned-app graph; a gateway is always itself.</summary>
        public string Endpoint(GraphType type, string workload, string ns, string app, string version) =>
            gateways.Contains(workload) ? Get($"workload:{ns}/{workload}", "gateway", workload, ns, app, version, workload)
            : type == GraphType.Workload ? Get($"workload:{ns}/{workload}", "workload", workload, ns, app, version, workload)
            : Get($"app:{ns}/{app}/{version}", "app", version == "unknown" ? app : $"{app} {version}", ns, app, version, null);

        public string Get(string id, string kind, string label, string ns, string app, string version, string? workload)
        {
            if (!_nodes.ContainsKey(id))
            {
                _nodes[id] = new NodeBuilder(id, kind, label, ns, app, version, workload);
            }

            return id;
        }
    }

    private static EdgeBuilder Edge(Dictionary<(string, string), EdgeBuilder> edges, string from, string to, string service)
    {
        if (!edges.TryGetValue((from, to), out var edge))
        {
            edges[(from, to)] = edge = new EdgeBuilder(from, to, service);
        }

        return edge;
    }

    private sealed record NodeBuilder(string Id, string Kind, string Label, string Namespace, string App, string Version, string? Workload);

    private sealed class EdgeBuilder(string from, string to, string service)
    {
        public string From { get; } = from;

        public string To { get; } = to;

        public string Service { get; } = service;

        public double Rps { get; set; }

        public double Errors { get; set; }

        public double? P99 { get; set; }

        public double Secured { get; set; }

        public double SecurityTotal { get; set; }

        public Dictionary<string, double> ByCode { get; } = new(StringComparer.Ordinal);
    }
}
