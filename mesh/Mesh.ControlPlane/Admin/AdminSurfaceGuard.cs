using Mesh.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Admin;

/// <summary>
/// What every request to the admin port must pass before any endpoint sees it, against a web page the operator happens
/// to visit: the Host must be one of the control plane's own names (a DNS-rebinding page's is not); a write must not
/// come from another origin; and a body must be YAML or JSON, which no cross-site form can send without a CORS
/// preflight (which the control plane never answers). Health and metrics stay open, as the kubelet and Prometheus
/// address them by the pod's IP.
/// </summary>
public sealed partial class AdminSurfaceGuard(IOptions<ControlPlaneOptions> options, ILogger<AdminSurfaceGuard> logger)
{
    private static readonly string[] OpenPaths = ["/health", "/alive", "/metrics"];
    private static readonly string[] BodyTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"];

    private readonly HashSet<string> _hosts = AllowedHosts(options.Value);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Request;
        if (OpenPaths.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        var refusal = Check(request);
        if (refusal is { } refused)
        {
            LogRefused(logger, request.Method, request.Path, refused.Reason);
            context.Response.StatusCode = refused.Status;
            await context.Response.WriteAsJsonAsync(new { error = refused.Reason }, context.RequestAborted);
            return;
        }

        await next(context);
    }

    private (int Status, string Reason)? Check(HttpRequest request)
    {
        var host = request.Host.Host;
        if (!_hosts.Contains(host))
        {
            return (StatusCodes.Status403Forbidden, $"the admin API does not answer to the host '{host}'");
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return null;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && _hosts.Contains(uri.Host) && uri.Port == request.Host.Port))
        {
            return (StatusCodes.Status403Forbidden, $"a change from the origin '{origin}' is refused");
        }

        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return (StatusCodes.Status403Forbidden, "a change sent by another site is refused");
        }

        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        var type = request.ContentType?.Split(';')[0].Trim() ?? "";
        if (hasBody && !BodyTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status415UnsupportedMediaType, $"the body must be YAML or JSON ({string.Join(", ", BodyTypes)}), not '{(type.Length == 0 ? "none" : type)}'");
        }

        return null;
    }

    private static HashSet<string> AllowedHosts(ControlPlaneOptions options)
    {
        var hosts = new HashSet<string>(["127.0.0.1", "localhost", "[::1]", "::1"], StringComparer.OrdinalIgnoreCase);
        if (System.Net.IPEndPoint.TryParse(options.HttpListen, out var listen) && !listen.Address.Equals(System.Net.IPAddress.Any))
        {
            hosts.Add(listen.Address.ToString());
        }

        if (string.Equals(options.Discovery, "Kubernetes", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var suffix in new[] { "", $".{options.Namespace}", $".{options.Namespace}.svc", $".{options.Namespace}.svc.cluster.local" })
            {
                hosts.Add(options.ServiceName + suffix);
            }
        }

        hosts.UnionWith(options.AllowedHosts);
        return hosts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin port refused {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
