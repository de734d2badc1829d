using System.Diagnostics;
using System.Net;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// The HTTP client the proxy forwards with: one pooled handler for all upstreams, configured as YARP configures its
/// forwarder client (no proxy, no redirects, no decompression, no cookies) and with several HTTP/2 connections per
/// upstream allowed, so sidecar-to-sidecar traffic is multiplexed over a few long-lived connections.
/// </summary>
public sealed class UpstreamInvoker : IDisposable
{
    public UpstreamInvoker()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ActivityHeadersPropagator = DistributedContextPropagator.Current,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
