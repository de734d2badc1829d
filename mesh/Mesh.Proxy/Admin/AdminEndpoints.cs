using Mesh.Proxy.Configuration;
using Microsoft.Extensions.Options;
using Mesh.Proxy.Routing;

namespace Mesh.Proxy.Admin;

/// <summary>
/// The proxy's own endpoints, on up to three listeners as Istio's sidecar has them: the admin listener (Envoy's 15000:
/// config dump, certificates, runtime overrides, and, when no other listener is set, readiness and stats), the stats
/// listener (15090, <c>/stats/prometheus</c>) and the health listener (15021, <c>/healthz/ready</c> and the app's
/// probes). On Kubernetes the admin listener binds 127.0.0.1, so only the pod itself reaches it.
/// </summary>
public static class AdminEndpoints
{
    public const string ReadyPath = "/healthz/ready";
    public const string ConfigDumpPath = "/config_dump";
    public const string StatsPath = "/stats/prometheus";
    public const string RuntimeModifyPath = "/runtime_modify";

    /// <summary>The HTTP client the app-health probes use (no proxy, short timeout).</summary>
    public const string AppProbeClient = "app-probe";

    /// <summary>The admin listener: what the proxy is doing, and the runtime overrides only an allowed caller may set.</summary>
    public static IEndpointRouteBuilder MapProxyAdmin(this IEndpointRouteBuilder endpoints, string adminHost, bool withHealth)
    {
        var admin = endpoints.MapGroup("").RequireHost(adminHost).AddEndpointFilter(OwnHostOnly);
        if (withHealth)
        {
            MapHealth(admin);
        }

        admin.MapGet("/certs", (Identity.WorkloadIdentity identity) => Results.Json(new
        {
            identity = identity.Enabled ? identity.Id.ToString() : null,
            notAfter = identity.NotAfter,
            serial = identity.Certificate?.SerialNumber,
            roots = identity.Trust?.Roots.Select(r => new { subject = r.Subject, notAfter = r.NotAfter }),
        }));
        admin.MapGet("/runtime", (RuntimeOverrides runtime) => Results.Json(runtime.Values));
        admin.MapPost(RuntimeModifyPath, (HttpRequest request, RuntimeOverrides runtime, AdminWriters writers) =>
        {
            if (WriteRefusal(request, writers) is { } refused)
            {
                return refused;
            }

            return runtime.Modify(request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString()))) is { } error
                ? Results.Text(error, statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(runtime.Values);
        });
        admin.MapGet(ConfigDumpPath, (ProxyConfigDump dump) => Results.Json(dump.Create()));
        return endpoints;
    }

    /// <summary>The health listener (or the admin listener, when there is none): readiness, liveness and the app's probes.</summary>
    public static IEndpointRouteBuilder MapProxyHealth(this IEndpointRouteBuilder endpoints, string healthHost)
    {
        MapHealth(endpoints.MapGroup("").RequireHost(healthHost));
        return endpoints;
    }

    private static void MapHealth(RouteGroupBuilder group)
    {
        group.MapGet(ReadyPath, (RouteTableProvider routes, Identity.WorkloadIdentity identity) => (routes.HasConfig, identity.Ready) switch
        {
            (true, true) => Results.Text("ready"),
            (false, _) => Results.Text("waiting for config from the control plane", statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => Results.Text("waiting for a workload certificate from the CA", statusCode: StatusCodes.Status503ServiceUnavailable),
        });
        group.MapGet("/healthz/live", () => Results.Text("live"));
        group.MapGet("/app-health/{container}/{kind}", async (string container, string kind, IOptions<ProxyOptions> options, IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            if (!options.Value.AppProbes.TryGetValue($"{container}-{kind}", out var target))
            {
                return Results.Text($"no {kind} probe for container '{container}'", statusCode: StatusCodes.Status404NotFound);
            }

            try
            {
                using var response = await clients.CreateClient(AppProbeClient).GetAsync(new Uri(target), cancellationToken);
                return Results.Text(await response.Content.ReadAsStringAsync(cancellationToken), statusCode: (int)response.StatusCode);
            }
            catch (HttpRequestException e)
            {
                return Results.Text($"{target}: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }

    /// <summary>
    /// The admin listener answers to its own address only: a page whose host name was rebound to 127.0.0.1 names another
    /// host, and gets nothing (not even the config dump).
    /// </summary>
    private static async ValueTask<object?> OwnHostOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var host = context.HttpContext.Request.Host.Host;
        var local = context.HttpContext.Connection.LocalIpAddress;
        var own = host is "localhost" or "127.0.0.1" or "[::1]" || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && ip.Equals(local));
        return own ? await next(context) : Results.Text($"the admin listener does not answer to the host '{host}'", statusCode: StatusCodes.Status403Forbidden);
    }

    /// <summary>A write needs a bearer token the control plane allows, and must not come from a web page of another origin.</summary>
    private static IResult? WriteRefusal(HttpRequest request, AdminWriters writers)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Authority == request.Host.Value))
        {
            return Results.Text($"a change from the origin '{origin}' is refused", statusCode: StatusCodes.Status403Forbidden);
        }

        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return Results.Text("a change sent by another site is refused", statusCode: StatusCodes.Status403Forbidden);
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"mesh-proxy\"";
            return Results.Text("a credential is required: Authorization: Bearer <operator token> (meshctl and the chaos engine send it)", statusCode: StatusCodes.Status401Unauthorized);
        }

        return writers.Allows(authorization) ? null : Results.Text("this credential may not change the proxy", statusCode: StatusCodes.Status403Forbidden);
    }
}
