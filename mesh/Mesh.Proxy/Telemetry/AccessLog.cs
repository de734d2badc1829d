using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mesh.DataPlane;
using Mesh.Proxy.Forwarding;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// One structured line per request with the fields of Envoy's default access log format (start time, method, path,
/// protocol, code, flags, bytes, duration, upstream time, forwarded-for, user agent, request id, authority, upstream
/// host), switched on or off per workload by Istio's Telemetry resource. Lines go to the log (and so to the console
/// and the dashboard) under the category <c>Mesh.Proxy.AccessLog</c>.
/// </summary>
public sealed partial class AccessLog(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Mesh.Proxy.AccessLog");

    public static string Format(HttpContext context, MeshRequest mesh, long requestBytes, long responseBytes, DateTimeOffset startTime)
    {
        var request = context.Request;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["start_time"] = startTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["method"] = request.Method,
            ["path"] = request.Path.Value + request.QueryString.Value,
            ["protocol"] = request.Protocol,
            ["response_code"] = context.Response.StatusCode,
            ["response_flags"] = ResponseFlagNames.Format(mesh.Flags),
            ["bytes_received"] = requestBytes,
            ["bytes_sent"] = responseBytes,
            ["duration"] = (long)Stopwatch.GetElapsedTime(mesh.StartTimestamp).TotalMilliseconds,
            ["upstream_service_time"] = context.Response.Headers[MeshTransformer.UpstreamServiceTimeHeader].ToString() is { Length: > 0 } t ? t : null,
            ["x_forwarded_for"] = request.Headers["x-forwarded-for"].ToString() is { Length: > 0 } f ? f : null,
            ["user_agent"] = request.Headers.UserAgent.ToString(),
            ["request_id"] = request.Headers[MeshTransformer.RequestIdHeader].ToString(),
            ["authority"] = request.Host.Value,
            ["upstream_host"] = mesh.Endpoint?.Authority,
            ["upstream_cluster"] = mesh.Cluster?.Name,
            ["route_name"] = mesh.Route?.Name,
            ["downstream_remote_address"] = context.Connection.RemoteIpAddress is { } ip ? $"{ip}:{context.Connection.RemotePort}" : null,
        });
    }

    public void Write(string line) => LogLine(_logger, line);

    [LoggerMessage(Level = LogLevel.Information, Message = "{AccessLog}")]
    private static partial void LogLine(ILogger logger, string accessLog);
}
