using System.Text.Json;
using Mesh.Config;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;
using Mesh.ControlPlane.Admin;
using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Registry;
using Microsoft.Extensions.FileProviders;

namespace Mesh.ControlPlane.Console;

/// <summary>
/// The mesh console, served by the control plane under <c>/console/</c>: static pages (plain HTML, CSS and one script
/// each, no build step) over the admin API and the endpoints here: the traffic graph, a node's details, and the canary
/// wizard's subsets and preview.
/// </summary>
public static class MeshConsole
{
    public const string Path = "/console";

    /// <summary>Where the pages are, beside the program (copied there by the build).</summary>
    public static string PagesDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "console");

    public static WebApplication MapMeshConsole(this WebApplication app, string host)
    {
        // "/console" and "/console/" are one route: both open the graph.
        app.MapGet(Path, () => Results.Redirect($"{Path}/graph.html")).RequireHost(host);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(PagesDirectory), RequestPath = Path });

        // The console's login: the dashboard's link (or meshctl console) carries a key derived from the operator credential,
        // or the user pastes the credential's token; either is exchanged for a cookie no other site can send (SameSite=Strict).
        app.MapPost($"{Path}/session", async (HttpContext context, OperatorCredentials credentials) =>
        {
            ConsoleLogin? login;
            try
            {
                login = await context.Request.ReadFromJsonAsync<ConsoleLogin>(context.RequestAborted);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return Results.Json(new { error = "send {\"key\": …} or {\"token\": …} as JSON" }, statusCode: StatusCodes.Status400BadRequest);
            }

            if (!credentials.IsLoginKey(login?.Key) && !credentials.IsOperatorToken(login?.Token))
            {
                return Results.Json(new { error = "that is not this control plane's login key or operator token" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            context.Response.Cookies.Append(OperatorCredentials.SessionCookie, credentials.IssueSession(), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
                MaxAge = OperatorCredentials.SessionLifetime,
            });
            return Results.NoContent();
        }).RequireHost(host);
        app.MapDelete($"{Path}/session", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(OperatorCredentials.SessionCookie, new CookieOptions { Path = "/" });
            return Results.NoContent();
        }).RequireHost(host);

        var api = app.MapGroup("/api").RequireHost(host).RequireAdmin(AdminRole.View);
        api.MapGet("/graph", async (TopologySource topology, string? type, string? window, CancellationToken cancellationToken) =>
        {
            if (!TopologySource.TryParseType(type, out var graphType) || !TopologySource.Windows.Contains(window ?? "1m"))
            {
                return Results.Json(new { error = $"type is workload or versionedApp, window one of {string.Join(", ", TopologySource.Windows)}" },
                    statusCode: StatusCodes.Status400BadRequest);
            }

            if (!topology.Enabled)
            {
                return Results.Json(new { error = "no Prometheus is configured (ControlPlane:Prometheus), so there is no traffic to draw" },
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            try
            {
                var graph = await topology.GraphAsync(graphType, window ?? "1m", cancellationToken);
                return Results.Json(new
                {
                    type = graph.Type == GraphType.Workload ? "workload" : "versionedApp",
                    graph.Window,
                    graph.At,
                    thresholds = new { degraded = topology.Thresholds.Degraded, failing = topology.Thresholds.Failing },
                    nodes = graph.Nodes.Select(n => new
                    {
                        n.Id, n.Kind, n.Label, n.Namespace, n.App, n.Version, n.Workload, n.InboundRps, n.InboundErrorRate, n.OutboundRps,
                        health = Name(n.Health),
                    }),
                    edges = graph.Edges.Select(e => new
                    {
                        e.Source, e.Target, e.Service, e.Rps, e.Share, e.ErrorRate, e.P99, e.MtlsShare, health = Name(e.Health), e.ByCode,
                    }),
                });
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return Results.Json(new { error = $"Prometheus could not be queried: {e.Message}" }, statusCode: StatusCodes.Status502BadGateway);
            }
        });

        api.MapGet("/graph/node", (string id, ConfigStore store, WorkloadRegistry registry, ProxyConnections connections) =>
        {
            if (NodeRef.Parse(id) is not { } node)
            {
                return Results.Json(new { error = $"'{id}' is not a node id (workload:ns/name, app:ns/app/version or service:ns/name)" },
                    statusCode: StatusCodes.Status400BadRequest);
            }

            var snapshot = registry.Snapshot();
            var workloads = snapshot.Workloads.Where(node.Selects).OrderBy(w => w.Name, StringComparer.Ordinal).ToArray();
            var config = store.Current;
            var hosts = node.Service is { } service
                ? [Hostnames.ServiceHost(service, node.Namespace)]
                : workloads.Select(w => Hostnames.ServiceHost(w.App, w.Namespace)).Distinct().ToArray();
            var resources = Applying(config, hosts, workloads).ToArray();
            var current = connections.Current?.Version;
            var proxies = workloads.Select(w =>
            {
                var connection = connections.All.FirstOrDefault(c => c.Workload.Name == w.Name && c.Workload.Namespace == w.Namespace);
                return new
                {
                    workload = w.Name, w.Address, w.Healthy, w.Labels,
                    proxy = connection is null ? null : ProxyStatus.From(connection, current),
                    certificate = connection is null ? null : Certificate(connection),
                };
            }).ToArray();
            return Results.Json(new
            {
                id, kind = node.Kind, @namespace = node.Namespace, workloads = proxies,
                config = resources.Select(r => new { kind = r.Kind, @namespace = r.Namespace, name = r.Name, key = r.Key }),
            });
        });

        api.MapGet("/canary/{ns}/{service}", (string ns, string service, ConfigStore store) =>
        {
            var host = Hostnames.Qualify(service, ns);
            var rule = store.Current.DestinationRules.FirstOrDefault(r => Hostnames.Qualify(r.Host, r.Namespace) == host);
            var routing = RoutingFor(store, host);
            return Results.Json(new
            {
                host,
                subsets = rule?.Subsets.Select(s => s.Name) ?? [],
                destinationRule = rule?.Key,
                virtualService = routing is null ? null : new { key = routing.Key, name = routing.Name, yaml = routing.Document?.Text },
                weights = routing?.Http.LastOrDefault(h => h.IsCatchAll)?.Route
                    .GroupBy(d => d.Destination.Subset ?? "").ToDictionary(g => g.Key, g => g.Sum(d => d.Weight ?? 100)),
            });
        });

        // The plan is read after the caller is authorized (a body bound by the framework would be read before).
        api.MapPost("/canary/preview", async (HttpRequest request, ConfigStore store) =>
        {
            CanaryPlan? plan;
            try
            {
                plan = await request.ReadFromJsonAsync<CanaryPlan>(request.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                plan = null;
            }

            if (plan is null)
            {
                return Results.Json(new { error = "the plan must be JSON: host, subsets and weights" }, statusCode: StatusCodes.Status400BadRequest);
            }

            // Replace the VirtualService already routing the host (a second one would conflict with it).
            var named = plan with { Name = RoutingFor(store, plan.Host)?.Name ?? plan.Name };
            var yaml = named.ToYaml();
            var findings = store.DryRun(yaml, "console");
            return Results.Json(new
            {
                yaml,
                valid = !findings.Any(f => f.Severity == Severity.Error),
                findings = findings.Select(f => new { code = f.Code, severity = f.Severity.ToString().ToLowerInvariant(), message = f.Message, text = f.ToString() }),
            });
        });

        api.MapGet("/proxies/{proxyId}/certs", (ProxyConnections connections, string proxyId) =>
            connections.All.FirstOrDefault(c => c.ProxyId == proxyId) is { } connection
                ? Results.Json(Certificate(connection))
                : Results.NotFound(new { error = $"no connected proxy '{proxyId}'" }));

        return app;
    }

    private static string Name(Health health) => health.ToString().ToLowerInvariant();

    /// <summary>What the login page posts: the link's key, or a pasted operator token.</summary>
    private sealed record ConsoleLogin(string? Key, string? Token);

    /// <summary>The mesh-routing (not gateway-bound) VirtualService for a host, which the wizard replaces.</summary>
    private static VirtualService? RoutingFor(ConfigStore store, string host) => store.Current.VirtualServices.FirstOrDefault(vs =>
        (vs.Gateways.Count == 0 || vs.Gateways.Contains(VirtualService.MeshGateway)) && vs.Hosts.Any(h => Hostnames.Qualify(h, vs.Namespace) == host));

    /// <summary>The resources that shape a node's traffic: routing for its hosts, and the policies selecting its workloads.</summary>
    private static IEnumerable<MeshResource> Applying(ConfigSet config, IReadOnlyList<string> hosts, IReadOnlyList<Workload> workloads)
    {
        bool ForHost(string host, string ns) => hosts.Any(h => Hostnames.Matches(Hostnames.Qualify(host, ns), h));
        bool Selects(WorkloadSelector? selector, string ns) => workloads.Any(w =>
            (ns == w.Namespace || ns == Sidecar.RootNamespace) && (selector is null || selector.Matches(w.Labels)));

        // A VirtualService shapes a service's traffic when it routes the service's host inside the mesh, or sends
        // traffic to it (a gateway's routes); a gateway's catch-all host alone does not.
        bool Routes(VirtualService vs) =>
            ((vs.Gateways.Count == 0 || vs.Gateways.Contains(VirtualService.MeshGateway)) && vs.Hosts.Any(h => ForHost(h, vs.Namespace)))
            || vs.Http.Any(r => r.Route.Any(d => hosts.Contains(Hostnames.Qualify(d.Destination.Host, vs.Namespace))));

        return config.VirtualServices.Where(Routes).Cast<MeshResource>()
            .Concat(config.DestinationRules.Where(r => ForHost(r.Host, r.Namespace)))
            .Concat(config.PeerAuthentications.Where(p => Selects(p.Selector, p.Namespace)))
            .Concat(config.AuthorizationPolicies.Where(p => Selects(p.Selector, p.Namespace)))
            .Concat(config.RequestAuthentications.Where(p => Selects(p.Selector, p.Namespace)))
            .Concat(workloads.Select(w => Sidecar.For(config.Sidecars, w.Namespace, w.Labels)).OfType<Sidecar>().Distinct());
    }

    /// <summary>
    /// A proxy's workload certificate as this control plane's CA issued it (the CA knows what it signed, so it never has
    /// to ask an address the proxy gave).
    /// </summary>
    private static object? Certificate(ProxyConnection connection) =>
        connection.CertificateNotAfter is { } notAfter ? new { identity = connection.Identity, notAfter } : null;

    /// <summary>A graph node's id, read back: which workloads (or service) it stands for.</summary>
    private sealed record NodeRef(string Kind, string Namespace, string? Workload, string? App, string? Version, string? Service)
    {
        public static NodeRef? Parse(string id)
        {
            var colon = id.IndexOf(':');
            var parts = colon < 0 ? [] : id[(colon + 1)..].Split('/');
            return (colon < 0 ? "" : id[..colon], parts.Length) switch
            {
                ("workload", 2) => new NodeRef("workload", parts[0], parts[1], null, null, null),
                ("app", 3) => new NodeRef("app", parts[0], null, parts[1], parts[2], null),
                ("service", 2) => new NodeRef("service", parts[0], null, null, null, parts[1]),
                _ => null,
            };
        }

        public bool Selects(Workload w) => w.Namespace == Namespace && Kind switch
        {
            "workload" => w.Name == Workload,
            "app" => w.App == App && w.Version == Version,
            _ => w.App == Service,
        };
    }
}
