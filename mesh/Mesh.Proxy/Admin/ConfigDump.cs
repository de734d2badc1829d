using Mesh.Config.Model.Networking;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Discovery;
using Mesh.Proxy.Routing;

namespace Mesh.Proxy.Admin;

/// <summary>This proxy's config dump as JSON: what its admin listener serves, and what it sends the control plane when asked.</summary>
public sealed class ProxyConfigDump(ProxyConfigState state, RouteTableProvider routes, ListenerMap listeners)
{
    public object Create() => ConfigDump.Create(state, routes, listeners);

    public string Json() => System.Text.Json.JsonSerializer.Serialize(Create(), System.Text.Json.JsonSerializerOptions.Web);
}

/// <summary>What the proxy is really using, as <c>istioctl proxy-config</c> shows from Envoy's config dump.</summary>
public static class ConfigDump
{
    public static object Create(ProxyConfigState state, RouteTableProvider routes, ListenerMap listeners)
    {
        var table = routes.Current;
        return new
        {
            proxy = state.Identity.Name,
            @namespace = state.Identity.Namespace,
            version = table.Version,
            warnings = state.Warnings,
            rejected = state.Rejected,
            listeners = listeners.Listeners.OrderBy(l => l.EndPoint.Port).Select(l => new
            {
                name = l.Key,
                address = l.EndPoint.ToString(),
                kind = l.Kind.ToString().ToLowerInvariant(),
                protocol = l.Protocol.ToString().ToLowerInvariant(),
            }),
            routes = table.Listeners.Values.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => new
            {
                listener = l.Name,
                virtualHosts = l.VirtualHosts.Select(vh => new
                {
                    name = vh.Name,
                    domains = vh.Domains,
                    routes = vh.Routes.Select(Describe),
                }),
            }),
            clusters = table.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => new
            {
                name = c.Name,
                protocol = c.Protocol.ToString().ToLowerInvariant(),
                loadBalancer = routes.Cluster(c.Name)?.LoadBalancer.Name,
                endpoints = (routes.Cluster(c.Name)?.Endpoints ?? []).Select(e => new
                {
                    address = e.Endpoint.Authority,
                    workload = e.Endpoint.Workload.Name,
                    version = e.Endpoint.Workload.Version,
                    activeRequests = e.ActiveRequests,
                }),
            }),
        };
    }

    private static object Describe(CompiledRoute route) => new
    {
        origin = route.Origin,
        index = route.Index,
        name = route.Name,
        source = route.Source?.ToString(),
        match = route.Matches.Count == 0 ? ["*"] : route.Matches.Select(m => Describe(m.Source)).ToArray(),
        action = route.Rule?.Redirect is not null ? "redirect" : route.Rule?.DirectResponse is not null ? "directResponse" : "route",
        clusters = route.Clusters.Select(c => new { cluster = c.Cluster, weight = c.Weight }),
        mirrors = route.Mirrors.Select(m => new { cluster = m.Cluster, percentage = m.Percentage }),
    };

    public static string Describe(HttpMatchRequest match)
    {
        var parts = new List<string>();
        if (match.Uri is { } uri)
        {
            parts.Add($"uri {uri}");
        }

        if (match.Method is { } method)
        {
            parts.Add($"method {method}");
        }

        if (match.Authority is { } authority)
        {
            parts.Add($"authority {authority}");
        }

        parts.AddRange(match.Headers.Select(h => $"header {h.Key} {h.Value}"));
        parts.AddRange(match.QueryParams.Select(q => $"query {q.Key} {q.Value}"));
        parts.AddRange(match.WithoutHeaders.Select(h => $"without header {h.Key} {h.Value}"));
        return parts.Count == 0 ? "*" : string.Join(" && ", parts);
    }
}
