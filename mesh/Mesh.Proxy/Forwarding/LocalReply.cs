using Mesh.DataPlane;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Responses the proxy produces itself (no route, no healthy upstream, timeouts, faults). For gRPC requests they
/// are trailers-only gRPC responses (HTTP 200 with <c>grpc-status</c>), mapped from the HTTP status as Envoy maps them.
/// </summary>
internal static class LocalReply
{
    public const string FlagsHeader = "x-mesh-response-flags";

    public static async Task WriteAsync(HttpContext context, int status, ResponseFlags flags, string body, bool flagsHeader, int? grpcStatus = null)
    {
        var mesh = context.Features.Get<MeshRequest>();
        if (mesh is not null)
        {
            mesh.Flags |= flags;
        }

        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        if (flagsHeader)
        {
            context.Response.Headers[FlagsHeader] = ResponseFlagNames.Format(mesh?.Flags ?? flags);
        }

        if (IsGrpc(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = (grpcStatus ?? GrpcStatusFor(status)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(body);
            context.Items[GrpcStatusItem] = grpcStatus ?? GrpcStatusFor(status);
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public const string GrpcStatusItem = "mesh.grpc-status";

    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Envoy's HTTP-to-gRPC status mapping for local replies.</summary>
    public static int GrpcStatusFor(int httpStatus) => httpStatus switch
    {
        400 => 13,
        401 => 16,
        403 => 7,
        404 => 12,
        429 or 502 or 503 or 504 => 14,
        _ => 2,
    };
}
