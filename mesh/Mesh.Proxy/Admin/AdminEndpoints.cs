using Mesh.Proxy.Configuration;
using Mesh.Proxy.Discovery;
using Microsoft.Extensions.Options;
using Mesh.Proxy.Routing;

namespace Mesh.Proxy.Admin;

/// <summary>The admin listener's endpoints: readiness, liveness, the config dump and Prometheus stats.</summary>
public static class AdminEndpoints
{
    public const string ReadyPath = "/healthz/ready";
    public const string ConfigDumpPath = "/config_dump";
    public const string StatsPath = "/stats/prometheus";

    /// <summary>The HTTP client the app-health probes use (no proxy, short timeout).</summary>
    public const string AppProbeClient = "app-probe";

    public static IEndpointRouteBuilder MapProxyAdmin(this IEndpointRouteBuilder endpoints, string adminHost)
    {
        var admin = endpoints.MapGroup("").RequireHost(adminHost);
        admin.MapGet(ReadyPath, (RouteTableProvider routes, Identity.WorkloadIdentity identity) => (routes.HasConfig, identity.Ready) switch
        {
            (true, true) => Results.Text("ready"),
            (false, _) => Results.Text("waiting for config from the control plane", statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => Results.Text("waiting for a workload certificate from the CA", statusCode: StatusCodes.Status503ServiceUnavailable),
        });
        admin.MapGet("/certs", (Identity.WorkloadIdentity identity) => Results.Json(new
        {
            identity = identity.Enabled ? identity.Id.ToString() : null,
            notAfter = identity.NotAfter,
            serial = identity.Certificate?.SerialNumber,
            roots = identity.Trust?.Roots.Select(r => new { subject = r.Subject, notAfter = r.NotAfter }),
        }));
        admin.MapGet("/healthz/live", () => Results.Text("live"));
        admin.MapGet("/app-health/{container}/{kind}", async (string container, string kind, IOptions<ProxyOptions> options, IHttpClientFactory clients, CancellationToken cancellationToken) =>
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
        admin.MapGet("/runtime", (RuntimeOverrides runtime) => Results.Json(runtime.Values));
        admin.MapPost("/runtime_modify", (HttpRequest request, RuntimeOverrides runtime) =>
            runtime.Modify(request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString()))) is { } error
                ? Results.Text(error, statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(runtime.Values));
        admin.MapGet(ConfigDumpPath, (ProxyConfigState state, RouteTableProvider routes, ListenerMap listeners) =>
            Results.Json(ConfigDump.Create(state, routes, listeners)));
        return endpoints;
    }
}
