using System.Net;
using Mesh.Config.Registry;
using Microsoft.AspNetCore.WebUtilities;
using Mesh.DataPlane;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.LoadBalancing;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Routing;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Istio's traffic mirroring: a sampled copy of the request goes to another cluster, fire-and-forget, with
/// <c>-shadow</c> appended to the Host. Its answer is discarded and never delays or changes the real response.
/// </summary>
internal sealed partial class RequestMirror(UpstreamInvoker upstream, RouteTableProvider routes, IRandomSource random, ProxyIdentity identity, ILogger<RequestMirror> logger)
{
    private readonly string _peerMetadata = PeerMetadata.From(identity.Workload).Encode();

    /// <summary>Bodies up to this size are buffered so a copy can be mirrored; larger bodies are not mirrored.</summary>
    public const int MaxBufferedBody = 64 * 1024;

    public async Task PrepareAsync(HttpContext context, CompiledRoute route)
    {
        if (route.Mirrors.Count > 0 && context.Request.ContentLength is > 0 and <= MaxBufferedBody)
        {
            context.Request.EnableBuffering(MaxBufferedBody);
            await context.Request.Body.DrainAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
        }
    }

    public void Mirror(HttpContext context, MeshRequest mesh, CompiledRoute route)
    {
        foreach (var target in route.Mirrors)
        {
            if (random.NextDouble() * 100 >= target.Percentage || routes.Cluster(target.Cluster) is not { } cluster)
            {
                continue;
            }

            if (context.Request.ContentLength is > MaxBufferedBody || (context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count > 0))
            {
                LogSkipped(logger, target.Cluster);
                continue;
            }

            if (cluster.Pick(new LoadBalancingContext(random)) is not { } endpoint)
            {
                continue;
            }

            var copy = Copy(context, mesh, cluster.Config, endpoint.Endpoint);
            copy.Headers.Remove(PeerMetadata.HeaderName);
            copy.Headers.TryAddWithoutValidation(PeerMetadata.HeaderName, _peerMetadata);
            _ = SendAsync(copy, endpoint);
        }
    }

    private async Task SendAsync(HttpRequestMessage request, EndpointState endpoint)
    {
        endpoint.RequestStarted();
        try
        {
            using var response = await upstream.Invoker.SendAsync(request, CancellationToken.None);
            LogMirrored(logger, request.RequestUri!, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            LogMirrorFailed(logger, request.RequestUri!, e.Message);
        }
        finally
        {
            endpoint.RequestFinished();
            request.Dispose();
        }
    }

    private static HttpRequestMessage Copy(HttpContext context, MeshRequest mesh, ClusterConfig cluster, ClusterEndpoint endpoint)
    {
        var source = context.Request;
        var pathAndQuery = mesh.UpstreamPathAndQuery ?? source.Path.Value + source.QueryString.Value;
        var request = new HttpRequestMessage(new HttpMethod(source.Method), $"http://{endpoint.Authority}{pathAndQuery}")
        {
            Version = endpoint.Workload.HasSidecar || cluster.Protocol.IsHttp2() ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (source.ContentLength is > 0 && source.Body.CanSeek)
        {
            source.Body.Position = 0;
            var buffer = new byte[source.ContentLength.Value];
            source.Body.ReadExactly(buffer);
            source.Body.Position = 0;
            request.Content = new ByteArrayContent(buffer);
        }

        foreach (var (name, values) in source.Headers)
        {
            if (name.StartsWith(':') || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || IsHopByHop(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        var authority = mesh.UpstreamAuthority ?? source.Host.Value ?? cluster.Host;
        var colon = authority.LastIndexOf(':');
        request.Headers.Host = colon > 0 ? $"{authority[..colon]}-shadow{authority[colon..]}" : $"{authority}-shadow";
        return request;
    }

    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("TE", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirrored {Uri}: {Status}")]
    private static partial void LogMirrored(ILogger logger, Uri uri, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirror to {Uri} failed: {Reason}")]
    private static partial void LogMirrorFailed(ILogger logger, Uri uri, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Not mirroring to {Cluster}: the body is streamed or larger than the mirror buffer")]
    private static partial void LogSkipped(ILogger logger, string cluster);
}
