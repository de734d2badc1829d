using Mesh.Config;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;
using Mesh.DataPlane;
using Mesh.DataPlane.Routing;

namespace Mesh.Cli.Explain;

/// <summary>
/// Explains routing the way the proxy decides it: builds the source proxy's route table with the proxy's own code,
/// then walks the rules in order, showing each condition's result, until the first match.
/// </summary>
public static class RouteExplainer
{
    public static int Explain(ConfigSet config, ServiceRegistry registry, Workload source, string host, string path, int? port,
        string method, IReadOnlyList<KeyValuePair<string, string>> headers, TextWriter output)
    {
        var (table, warnings) = RouteTableBuilder.Build(config, registry, new ProxyIdentity(source), [], "explain");
        var request = new RequestView(method, host, path, headers);
        ListenerRoutes? listener;
        if (source.IsGateway)
        {
            listener = port is { } p ? table.Listener(RouteTable.GatewayKey(p)) : table.Listeners.Values.FirstOrDefault(l => l.Kind == ListenerKind.Gateway && l.SelectVirtualHost(host) is not null);
        }
        else
        {
            var fqdn = Hostnames.Qualify(VirtualHost.StripPort(host), source.Namespace);
            var servicePort = port ?? registry.Service(fqdn)?.Port(null)?.Number ?? 9080;
            listener = table.Listener(RouteTable.OutboundKey(fqdn, servicePort));
            output.WriteLine($"request: {method} {host} {path} from {source.Name} ({source.Namespace}) to {fqdn}:{servicePort}");
        }

        var virtualHost = listener?.SelectVirtualHost(host);
        if (listener is null || virtualHost is null)
        {
            output.WriteLine($"no listener or virtual host for {host} at {source.Name}: the proxy answers 404 (NR)");
            return 1;
        }

        output.WriteLine($"listener {listener.Name}, virtual host {virtualHost.Name}");
        ReportDropped(config, source, virtualHost, output);
        CompiledRoute? chosen = null;
        foreach (var route in virtualHost.Routes)
        {
            if (chosen is not null)
            {
                output.WriteLine($"  {route}: not evaluated (an earlier rule matched)");
                continue;
            }

            output.WriteLine($"  {route}{(route.Source is { } s ? $" at {s}" : "")}:");
            if (route.Matches.Count == 0)
            {
                output.WriteLine("    no match conditions: matches every request");
                chosen = route;
                continue;
            }

            for (var i = 0; i < route.Matches.Count; i++)
            {
                var why = new List<string>();
                var matched = route.Matches[i].Explain(request, why);
                output.WriteLine($"    match[{i}]: {(matched ? "MATCHED" : "no")}");
                foreach (var line in why)
                {
                    output.WriteLine($"      {line}");
                }

                if (matched)
                {
                    chosen = route;
                    break;
                }
            }
        }

        if (chosen is null)
        {
            output.WriteLine("no rule matched: the proxy answers 404 (NR)");
            return 1;
        }

        Describe(chosen, table, output);
        foreach (var warning in warnings.Where(w => chosen.Clusters.Any(c => w.Contains(c.Cluster, StringComparison.Ordinal))))
        {
            output.WriteLine($"warning: {warning}");
        }

        return 0;
    }

    private static void Describe(CompiledRoute route, RouteTable table, TextWriter output)
    {
        output.WriteLine($"=> {route}{(route.Source is { } s ? $" ({s})" : "")}");
        if (route.Rule?.Redirect is { } redirect)
        {
            output.WriteLine($"   redirect {redirect.RedirectCode} to {redirect.Scheme ?? "(same scheme)"}://{redirect.Authority ?? "(same host)"}{redirect.Uri ?? "(same path)"}");
            return;
        }

        if (route.Rule?.DirectResponse is { } direct)
        {
            output.WriteLine($"   direct response {direct.Status}");
            return;
        }

        if (route.Rule?.Fault is { } fault)
        {
            output.WriteLine($"   fault: {(fault.Delay is { } d ? $"delay {d.FixedDelay.TotalMilliseconds} ms for {d.Percentage}" : "")} {(fault.Abort is { } a ? $"abort {a.HttpStatus?.ToString() ?? a.GrpcStatus} for {a.Percentage}" : "")}".TrimEnd());
        }

        foreach (var destination in route.Clusters)
        {
            var endpoints = table.Cluster(destination.Cluster)?.Endpoints ?? [];
            output.WriteLine($"   {destination.Weight}% -> {destination.Cluster}: " +
                (endpoints.Count == 0 ? "no endpoints, the proxy answers 503 (UH)" : string.Join(", ", endpoints.Select(e => $"{e.Workload.Name} at {e.Authority}"))));
        }

        foreach (var mirror in route.Mirrors)
        {
            output.WriteLine($"   mirror {mirror.Percentage}% -> {mirror.Cluster}");
        }

        output.WriteLine($"   retries: {route.Retry.Retries}, timeout: {(route.Timeout is { } t ? $"{t.TotalMilliseconds} ms" : "none")}");
    }

    /// <summary>Rules of the VirtualService that this source never sees (sourceLabels, gateways, port settled at build time).</summary>
    private static void ReportDropped(ConfigSet config, Workload source, VirtualHost virtualHost, TextWriter output)
    {
        var origin = virtualHost.Routes.FirstOrDefault()?.Origin;
        var vs = config.VirtualServices.FirstOrDefault(v => $"{v.Namespace}/{v.Name}" == origin);
        if (vs is null)
        {
            return;
        }

        var kept = virtualHost.Routes.Select(r => r.Index).ToHashSet();
        for (var i = 0; i < vs.Http.Count; i++)
        {
            if (!kept.Contains(i))
            {
                output.WriteLine($"  {origin} http[{i}]{(vs.Http[i].Name is { } n ? $" '{n}'" : "")}: not for {source.Name} (its sourceLabels, gateways or port exclude this proxy)");
            }
        }
    }
}
