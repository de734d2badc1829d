using Mesh.Config;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.Tls;

namespace Mesh.DataPlane.Routing;

/// <summary>
/// Translates Istio config and the registry into one proxy's <see cref="RouteTable"/>, as istiod's per-proxy
/// generators do: outbound listeners for every service port, inbound listeners for the proxy's own app ports,
/// and gateway listeners for the Gateway servers that select a gateway proxy.
/// </summary>
public sealed class RouteTableBuilder
{
    private readonly ConfigSet _config;
    private readonly ServiceRegistry _registry;
    private readonly ProxyIdentity _proxy;
    private readonly Dictionary<string, ClusterConfig> _clusters = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private readonly IReadOnlyList<VirtualService> _virtualServices;

    private RouteTableBuilder(ConfigSet config, ServiceRegistry registry, ProxyIdentity proxy)
    {
        _config = config;
        _registry = registry;
        _proxy = proxy;
        _virtualServices = Delegation.Resolve(config.VirtualServices, _warnings);
    }

    /// <summary>Builds the table; problems that do not stop routing (a missing subset, an unknown host) become warnings.</summary>
    public static (RouteTable Table, IReadOnlyList<string> Warnings) Build(
        ConfigSet config, ServiceRegistry registry, ProxyIdentity proxy, IReadOnlyList<InboundPort> inbound, string version)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(proxy);
        var builder = new RouteTableBuilder(config, registry, proxy);
        var listeners = new Dictionary<string, ListenerRoutes>(StringComparer.Ordinal);
        if (proxy.IsGateway)
        {
            foreach (var port in builder.GatewayPorts())
            {
                listeners[RouteTable.GatewayKey(port)] = builder.GatewayListener(port);
            }
        }
        else
        {
            var visible = builder.EgressScope();
            foreach (var service in registry.Services.Where(visible))
            {
                foreach (var port in service.Ports)
                {
                    listeners[RouteTable.OutboundKey(service.Host, port.Number)] = builder.OutboundListener(service, port);
                }
            }

            foreach (var port in inbound)
            {
                listeners[RouteTable.InboundKey(port.ServicePort)] = builder.InboundListener(port);
            }
        }

        var inboundMtls = inbound.ToDictionary(p => p.ServicePort, p => MutualTlsPolicy.Resolve(config.PeerAuthentications, proxy.Workload, p.ServicePort));
        return (new RouteTable(version, listeners, builder._clusters)
        {
            InboundMutualTls = inboundMtls,
            Authorization = Security.AuthorizationEngine.Build(config.AuthorizationPolicies, proxy.Workload, RootNamespace),
            Jwt = Security.JwtAuthenticator.Build(config.RequestAuthentications, proxy.Workload, RootNamespace),
            AccessLogging = AccessLoggingFor(config, proxy),
            Metrics = Telemetry.MetricPolicy.Build(config.Telemetries, proxy.Workload, RootNamespace),
            TraceSampling = TraceSamplingFor(config, proxy),
            RegistryOnly = Sidecar.For(config.Sidecars, proxy.Namespace, proxy.Labels)?.OutboundTrafficPolicy == OutboundTrafficPolicyMode.RegistryOnly,
            RateLimits = config.EnvoyFilters
                .Where(f => Security.AuthorizationEngine.Applies(f.Namespace, f.WorkloadSelector, proxy.Workload, RootNamespace))
                .SelectMany(f => f.LocalRateLimits).ToArray(),
        }, builder._warnings);
    }

    /// <summary>
    /// Istio's Telemetry precedence for access logs: a resource selecting the workload beats its namespace's, which
    /// beats the root namespace's; the most specific one with <c>accessLogging</c> decides. With none, logs are on.
    /// </summary>
    private static bool AccessLoggingFor(ConfigSet config, ProxyIdentity proxy)
    {
        var scoped = config.Telemetries.Where(t => t.AccessLogging.Count > 0).ToArray();
        var chosen = scoped.FirstOrDefault(t => t.Namespace == proxy.Namespace && t.Selector is { Labels.Count: > 0 } s && s.Matches(proxy.Labels))
            ?? scoped.FirstOrDefault(t => t.Namespace == proxy.Namespace && t.Selector is null or { Labels.Count: 0 })
            ?? scoped.FirstOrDefault(t => t.Namespace == RootNamespace && (t.Selector is null or { Labels.Count: 0 } || t.Selector.Matches(proxy.Labels)));
        return chosen is null || chosen.AccessLogging.Any(a => !a.Disabled);
    }

    /// <summary>The sampling percentage of the most specific Telemetry that sets one, with the access-log precedence.</summary>
    private static double? TraceSamplingFor(ConfigSet config, ProxyIdentity proxy)
    {
        var scoped = config.Telemetries.Where(t => t.TraceSampling is not null).ToArray();
        var chosen = scoped.FirstOrDefault(t => t.Namespace == proxy.Namespace && t.Selector is { Labels.Count: > 0 } s && s.Matches(proxy.Labels))
            ?? scoped.FirstOrDefault(t => t.Namespace == proxy.Namespace && t.Selector is null or { Labels.Count: 0 })
            ?? scoped.FirstOrDefault(t => t.Namespace == RootNamespace && t.Selector is null or { Labels.Count: 0 });
        return chosen?.TraceSampling;
    }

    /// <summary>The root namespace, whose Sidecar without a selector is the mesh-wide default (as Istio's istio-system).</summary>
    public const string RootNamespace = Sidecar.RootNamespace;

    /// <summary>
    /// Istio's Sidecar scoping: the services this proxy may reach, from the Sidecar that applies to it (one selecting
    /// the workload, else its namespace's default, else the root namespace's). With none, every service is visible.
    /// </summary>
    private Func<MeshService, bool> EgressScope()
    {
        var sidecar = Sidecar.For(_config.Sidecars, _proxy.Namespace, _proxy.Labels);
        if (sidecar is null || sidecar.Egress.Count == 0)
        {
            return service => Visible(service.ExportTo, service.Namespace);
        }

        var patterns = sidecar.Egress.SelectMany(e => e.Hosts).Select(h =>
        {
            var slash = h.IndexOf('/');
            var ns = slash < 0 ? "*" : h[..slash];
            var host = slash < 0 ? h : h[(slash + 1)..];
            return (Namespace: ns == "." ? sidecar.Namespace : ns, Host: host == "*" ? host : Hostnames.Qualify(host, ns is "." or "*" ? sidecar.Namespace : ns));
        }).ToArray();
        return service => Visible(service.ExportTo, service.Namespace) && patterns.Any(p => p.Namespace != "~" && (p.Namespace == "*" || p.Namespace == service.Namespace) && Hostnames.Matches(p.Host, service.Host));
    }

    /// <summary>Builds the outbound routing for one service port: its VirtualService's rules, or the default route.</summary>
    private ListenerRoutes OutboundListener(MeshService service, MeshServicePort port)
    {
        var vs = MeshVirtualService(service.Host);
        var routes = vs is null
            ? [DefaultRoute(service.Host, port.Number)]
            : CompileRules(vs, port.Number, VirtualService.MeshGateway);
        var name = RouteTable.OutboundKey(service.Host, port.Number);
        var vh = new VirtualHost(vs is null ? $"{service.Host}:{port.Number}" : $"{vs.Namespace}/{vs.Name}", [service.Host], routes);
        return new ListenerRoutes(name, ListenerKind.Outbound, port.Number, port.Protocol, [vh]) { ServiceHost = service.Host };
    }

    private ListenerRoutes InboundListener(InboundPort port)
    {
        var clusterName = ClusterConfig.InboundName(port.ServicePort);
        var protocol = MeshProtocols.FromPortName(port.Name);
        _clusters[clusterName] = new ClusterConfig
        {
            Name = clusterName,
            Host = _proxy.Name,
            Port = port.ServicePort,
            Protocol = protocol,
            IsInbound = true,
            Endpoints = [new ClusterEndpoint(port.AppAddress, port.AppPort, _proxy.Workload)],
        };
        // Inbound hops do not retry: the source proxy owns the retry policy, as in Istio.
        var route = new CompiledRoute("inbound", 0, null, [], [new WeightedCluster(clusterName, 100, null)], [], Resilience.RetryPolicy.None);
        return new ListenerRoutes(RouteTable.InboundKey(port.ServicePort), ListenerKind.Inbound, port.ServicePort, protocol,
            [new VirtualHost("inbound", ["*"], [route])]);
    }

    private IEnumerable<int> GatewayPorts() => SelectedGateways().SelectMany(g => g.Servers).Select(s => s.Port.Number).Distinct().Order();

    private IEnumerable<Gateway> SelectedGateways() => _config.Gateways.Where(g => g.Selector.Matches(_proxy.Labels));

    private ListenerRoutes GatewayListener(int port)
    {
        var virtualHosts = new List<VirtualHost>();
        var servers = SelectedGateways().SelectMany(g => g.Servers).Where(s => s.Port.Number == port).ToArray();

        // A plaintext server with tls.httpsRedirect sends its hosts to HTTPS before any route is considered.
        foreach (var redirect in servers.Where(s => s.Tls is { HttpsRedirect: true } && s.Tls.Mode is null))
        {
            var rule = new HttpRoute { Source = redirect.Source, Name = "https-redirect", Redirect = new HttpRedirect { Source = redirect.Source, Scheme = "https", RedirectCode = 301 } };
            virtualHosts.Add(new VirtualHost("https-redirect", redirect.Hosts.Select(StripNamespace).ToArray(), [new CompiledRoute("gateway", 0, rule, [], [], [])]));
        }

        foreach (var gateway in SelectedGateways())
        {
            var reference = $"{gateway.Namespace}/{gateway.Name}";
            var serverHosts = gateway.Servers.Where(s => s.Port.Number == port && s.Tls is not { HttpsRedirect: true, Mode: null }).SelectMany(s => s.Hosts)
                .Select(StripNamespace).ToArray();
            foreach (var vs in _virtualServices.Where(v => v.Gateways.Any(g => GatewayReference(g, v.Namespace) == reference) && Visible(v.ExportTo, v.Namespace)))
            {
                var domains = vs.Hosts.Where(h => serverHosts.Any(s => Hostnames.Matches(s, h) || Hostnames.Matches(h, s))).ToArray();
                if (domains.Length == 0)
                {
                    _warnings.Add($"VirtualService {vs.Namespace}/{vs.Name} is bound to gateway {reference} but none of its hosts is served on port {port}");
                    continue;
                }

                virtualHosts.Add(new VirtualHost($"{vs.Namespace}/{vs.Name}", domains, CompileRules(vs, port, reference)));
            }
        }

        return new ListenerRoutes(RouteTable.GatewayKey(port), ListenerKind.Gateway, port, MeshProtocol.Http, virtualHosts) { Servers = servers };
    }

    /// <summary>
    /// The VirtualService that routes a host for this sidecar, among those exported to its namespace, in Istio's order:
    /// its own namespace's private ones, then ones other namespaces export to it by name, then public ones. Within a
    /// group an exact host beats a wildcard, and the first written wins a tie.
    /// </summary>
    private VirtualService? MeshVirtualService(string host)
    {
        VirtualService? best = null;
        var bestRank = (Precedence: int.MaxValue, Length: -1);
        foreach (var vs in _virtualServices.Where(v => (v.Gateways.Count == 0 || v.Gateways.Contains(VirtualService.MeshGateway)) && Visible(v.ExportTo, v.Namespace)))
        {
            var precedence = ExportTo.Precedence(vs.ExportTo, vs.Namespace, _proxy.Namespace);
            foreach (var pattern in vs.Hosts.Select(h => Hostnames.Qualify(h, vs.Namespace)))
            {
                var length = pattern == host ? int.MaxValue : pattern.Length;
                if (Hostnames.Matches(pattern, host) && (precedence < bestRank.Precedence || (precedence == bestRank.Precedence && length > bestRank.Length)))
                {
                    (best, bestRank) = (vs, (precedence, length));
                }
            }
        }

        return best;
    }

    /// <summary>Whether this proxy's namespace sees a resource, by its exportTo.</summary>
    private bool Visible(IReadOnlyList<string> exportTo, string resourceNamespace) => ExportTo.IsVisible(exportTo, resourceNamespace, _proxy.Namespace);

    private List<CompiledRoute> CompileRules(VirtualService vs, int listenerPort, string gateway)
    {
        var routes = new List<CompiledRoute>();
        for (var i = 0; i < vs.Http.Count; i++)
        {
            var rule = vs.Http[i];
            var blocks = rule.Match.Where(m => AppliesHere(m, listenerPort, gateway)).ToArray();
            if (rule.Match.Count > 0 && blocks.Length == 0)
            {
                continue;
            }

            var clusters = rule.Route.Select(d => new WeightedCluster(
                OutboundCluster(d.Destination, vs.Namespace, listenerPort),
                d.Weight ?? (rule.Route.Count == 1 ? 100 : 0), d.Headers)).ToArray();
            var mirrors = new List<MirrorTarget>();
            if (rule.Mirror is { } mirror)
            {
                mirrors.Add(new MirrorTarget(OutboundCluster(mirror, vs.Namespace, listenerPort), rule.MirrorPercentage?.Value ?? 100));
            }

            mirrors.AddRange(rule.Mirrors.Select(m => new MirrorTarget(OutboundCluster(m.Destination, vs.Namespace, listenerPort), m.Percentage?.Value ?? 100)));
            var origin = $"{vs.Namespace}/{vs.Name}";
            routes.Add(new CompiledRoute(origin, i, rule, blocks.Select(b => new RequestMatch(b)).ToArray(), clusters, mirrors));
        }

        return routes;
    }

    /// <summary>Settles the conditions that depend only on this proxy and listener.</summary>
    private bool AppliesHere(HttpMatchRequest match, int listenerPort, string gateway) =>
        (match.Port is null || match.Port == listenerPort) &&
        (match.Gateways.Count == 0 || match.Gateways.Any(g => g == gateway || GatewayReference(g, _proxy.Namespace) == gateway)) &&
        ServiceRegistry.Selects(match.SourceLabels, _proxy.Labels) &&
        (match.SourceNamespace is null || match.SourceNamespace == _proxy.Namespace);

    private CompiledRoute DefaultRoute(string host, int port)
    {
        var cluster = EnsureCluster(host, port, null);
        return new CompiledRoute("default", 0, null, [], [new WeightedCluster(cluster, 100, null)], []);
    }

    private string OutboundCluster(Destination destination, string ns, int listenerPort)
    {
        var host = Hostnames.Qualify(destination.Host, ns);
        var service = _registry.Service(host);
        var port = destination.Port
            ?? (service?.Ports.Any(p => p.Number == listenerPort) == true ? listenerPort : service?.Port(null)?.Number)
            ?? listenerPort;
        return EnsureCluster(host, port, destination.Subset);
    }

    private string EnsureCluster(string host, int port, string? subset)
    {
        var name = ClusterConfig.OutboundName(port, subset, host);
        if (_clusters.ContainsKey(name))
        {
            return name;
        }

        var service = _registry.Service(host);
        var rule = DestinationRuleFor(host);
        var subsetSpec = subset is null ? null : rule?.Subsets.FirstOrDefault(s => s.Name == subset);
        if (service is null)
        {
            _warnings.Add($"cluster {name}: host {host} is not in the registry; requests to it get 503 (UH)");
        }
        else if (subset is not null && subsetSpec is null)
        {
            _warnings.Add($"cluster {name}: no DestinationRule defines subset '{subset}' for {host}; requests to it get 503 (UH)");
        }

        var endpoints = service is null || (subset is not null && subsetSpec is null)
            ? []
            : _registry.Endpoints(service, subsetSpec?.Labels)
                .Where(w => w.Healthy)
                .Select(w => (Workload: w, Port: w.Port(port)))
                .Where(x => x.Port is not null)
                .Select(x => new ClusterEndpoint(x.Workload.Address, x.Port!.Port, x.Workload, UsesMutualTls(x.Workload, port, rule, subsetSpec)))
                .ToArray();

        _clusters[name] = new ClusterConfig
        {
            Name = name,
            Host = host,
            Port = port,
            Subset = subset,
            Protocol = service?.Port(port)?.Protocol ?? MeshProtocol.Http,
            Endpoints = endpoints,
            Policy = TrafficPolicies.Effective(rule?.TrafficPolicy, subsetSpec?.TrafficPolicy, port),
        };
        return name;
    }

    /// <summary>
    /// Istio's auto mTLS: mutual TLS to every endpoint that has a sidecar, unless the destination's PeerAuthentication
    /// disables it for that port or the DestinationRule sets a TLS mode other than ISTIO_MUTUAL.
    /// </summary>
    private bool UsesMutualTls(Workload endpoint, int port, DestinationRule? rule, Subset? subset)
    {
        var tls = TrafficPolicies.Effective(rule?.TrafficPolicy, subset?.TrafficPolicy, port)?.Tls;
        if (tls is not null)
        {
            return tls.Mode == ClientTlsMode.IstioMutual;
        }

        return endpoint.HasSidecar && MutualTlsPolicy.Resolve(_config.PeerAuthentications, endpoint, port) != Config.Model.Security.MutualTlsMode.Disable;
    }

    /// <summary>
    /// The DestinationRule for a host, as Istio looks it up: in the proxy's own namespace, then in the service's, then in
    /// the root namespace, each only among rules exported to the proxy's namespace (a rule with a workload selector applies
    /// only in its own namespace). Within a namespace an exact host beats a wildcard, and a longer wildcard a shorter one.
    /// </summary>
    private DestinationRule? DestinationRuleFor(string host)
    {
        var serviceNamespace = _registry.Service(host)?.Namespace ?? NamespaceOf(host);
        foreach (var ns in new[] { _proxy.Namespace, serviceNamespace, RootNamespace }.Where(n => n is not null).Distinct())
        {
            var rule = _config.DestinationRules
                .Where(r => r.Namespace == ns && Visible(r.ExportTo, r.Namespace))
                .Where(r => r.WorkloadSelector is null || (r.Namespace == _proxy.Namespace && r.WorkloadSelector.Matches(_proxy.Labels)))
                .Select(r => (Rule: r, Host: Hostnames.Qualify(r.Host, r.Namespace)))
                .Where(x => Hostnames.Matches(x.Host, host))
                .OrderByDescending(x => x.Host == host)
                .ThenByDescending(x => x.Rule.WorkloadSelector is not null)
                .ThenByDescending(x => x.Host.Length)
                .Select(x => x.Rule)
                .FirstOrDefault();
            if (rule is not null)
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>The namespace of an in-cluster host (<c>reviews.default.svc.cluster.local</c>), or null.</summary>
    private static string? NamespaceOf(string host)
    {
        var parts = host.Split('.');
        return parts.Length >= 3 && host.EndsWith("." + Hostnames.ClusterDomain, StringComparison.OrdinalIgnoreCase) ? parts[1] : null;
    }

    private static string StripNamespace(string host) => host.Contains('/') ? host[(host.IndexOf('/') + 1)..] : host;

    private static string GatewayReference(string reference, string ns) => Config.Model.Networking.GatewayReference.Qualify(reference, ns);
}
