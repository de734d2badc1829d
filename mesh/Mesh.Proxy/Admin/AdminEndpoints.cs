using Mesh.Proxy.Discovery;
using Mesh.Proxy.Routing;

namespace Mesh.Proxy.Admin;

/// <summary>The admin listener's endpoints: readiness, liveness, the config dump and Prometheus stats.</summary>
public static class AdminEndpoints
{
    public const string ReadyPath = "/healthz/ready";
    public const string ConfigDumpPath = "/config_dump";
    public const string StatsPath = "/stats/prometheus";

    public static IEndpointRouteBuilder MapProxyAdmin(this IEndpointRouteBuilder endpoints, string adminHost)
    {
        var admin = endpoints.MapGroup("").RequireHost(adminHost);
        admin.MapGet(ReadyPath, (RouteTableProvider routes) => routes.HasConfig
            ? Results.Text("ready")
            : Results.Text("waiting for config from the control plane", statusCode: StatusCodes.Status503ServiceUnavailable));
        admin.MapGet("/healthz/live", () => Results.Text("live"));
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
