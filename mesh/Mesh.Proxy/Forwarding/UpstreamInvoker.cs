using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Mesh.Config.Model.Networking;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// The HTTP clients the proxy forwards with, configured as YARP configures its forwarder client (no proxy, no
/// redirects, no decompression, no cookies). Clusters without connection settings share one pooled handler with
/// several HTTP/2 connections per upstream allowed, so sidecar-to-sidecar traffic is multiplexed over a few
/// long-lived connections. A cluster whose DestinationRule sets TCP settings gets its own handler: at most
/// <c>maxConnections</c> connections per endpoint, <c>connectTimeout</c>, <c>idleTimeout</c>,
/// <c>maxConnectionDuration</c>, and a fresh set of connections after every <c>maxRequestsPerConnection</c> requests.
/// </summary>
public sealed class UpstreamInvoker : IDisposable
{
    private readonly ConditionalWeakTable<ConnectionPoolSettings, ClusterClient> _clusters = [];
    private readonly Identity.WorkloadIdentity? _identity;

    public UpstreamInvoker(Identity.WorkloadIdentity? identity = null)
    {
        _identity = identity;
        Invoker = new HttpMessageInvoker(CreateHandler(null, identity), disposeHandler: true);
    }

    /// <summary>The shared client, for clusters without connection settings.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>The client for a cluster's connection settings.</summary>
    public HttpMessageInvoker For(ConnectionPoolSettings? settings) =>
        settings?.Tcp is null && settings?.Http?.MaxRequestsPerConnection is null or 0 && settings?.Http?.IdleTimeout is null
            ? Invoker
            : _clusters.GetValue(settings, s => new ClusterClient(s, _identity)).Next();

    public void Dispose() => Invoker.Dispose();

    internal static SocketsHttpHandler CreateHandler(ConnectionPoolSettings? settings, Identity.WorkloadIdentity? identity) => new()
    {
        SslOptions = MutualTls(identity),
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = settings?.Tcp?.MaxConnections is not > 0,
        MaxConnectionsPerServer = settings?.Tcp?.MaxConnections is > 0 and var max ? max : int.MaxValue,
        ConnectTimeout = settings?.Tcp?.ConnectTimeout ?? TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = settings?.Http?.IdleTimeout ?? settings?.Tcp?.IdleTimeout ?? TimeSpan.FromMinutes(1),
        PooledConnectionLifetime = settings?.Tcp?.MaxConnectionDuration ?? Timeout.InfiniteTimeSpan,
        ActivityHeadersPropagator = DistributedContextPropagator.Current,
        PlaintextStreamFilter = identity is { Enabled: true } ? Tls.ServerIdentity.CheckAsync : null,
    };

    /// <summary>
    /// The client side of mutual TLS: present the workload's current certificate (so rotation needs no new handler),
    /// and accept only servers whose certificate chains to the mesh's roots with a SPIFFE id of the trust domain; which
    /// of those identities the server must be is checked per connection (<see cref="Tls.ServerIdentity"/>).
    /// </summary>
    private static System.Net.Security.SslClientAuthenticationOptions MutualTls(Identity.WorkloadIdentity? identity) => identity is not { Enabled: true }
        ? new()
        : new()
        {
            LocalCertificateSelectionCallback = (_, _, _, _, _) => identity.Certificate!,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                identity.TryValidatePeer(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2, chain, out _, out _),
        };

    /// <summary>One cluster's client; with <c>maxRequestsPerConnection</c>, replaced by a new one (new connections) every N requests.</summary>
    private sealed class ClusterClient(ConnectionPoolSettings settings, Identity.WorkloadIdentity? identity)
    {
        private readonly int? _perConnection = settings.Http?.MaxRequestsPerConnection is > 0 and var n ? n : null;
        private readonly Lock _lock = new();
        private HttpMessageInvoker _current = new(CreateHandler(settings, identity), disposeHandler: true);
        private int _used;

        public HttpMessageInvoker Next()
        {
            if (_perConnection is not { } limit)
            {
                return _current;
            }

            lock (_lock)
            {
                if (++_used > limit)
                {
                    // The old client's connections close once idle; requests in flight on it finish normally.
                    var retired = _current;
                    _current = new HttpMessageInvoker(CreateHandler(settings, identity), disposeHandler: true);
                    _used = 1;
                    _ = Task.Delay(TimeSpan.FromMinutes(2)).ContinueWith(_ => retired.Dispose(), TaskScheduler.Default);
                }

                return _current;
            }
        }
    }
}
