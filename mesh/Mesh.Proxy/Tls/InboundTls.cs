using System.Net.Security;
using Mesh.Proxy.Identity;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The server side of mutual TLS on a sidecar's inbound listeners: the workload's current certificate, a required
/// client certificate that must chain to the mesh's roots and carry a SPIFFE id of the trust domain, and ALPN for
/// HTTP/2 and HTTP/1.1. A peer that fails any of it is refused at the handshake.
/// </summary>
public sealed partial class InboundTls(WorkloadIdentity identity, ILogger<InboundTls> logger)
{
    public TlsHandshakeCallbackOptions HandshakeOptions => new()
    {
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        OnConnection = context => ValueTask.FromResult(ServerOptions(context)),
    };

    private SslServerAuthenticationOptions ServerOptions(TlsHandshakeCallbackContext context) => new()
    {
        ServerCertificate = identity.Certificate ?? throw new InvalidOperationException("no workload certificate yet: the proxy is not ready for mTLS"),
        ClientCertificateRequired = true,
        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            var valid = identity.TryValidatePeer(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2, chain, out _, out var error);
            if (!valid)
            {
                LogRefused(logger, context.Connection.RemoteEndPoint?.ToString() ?? "?", error ?? "invalid");
            }

            return valid;
        },
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "mTLS handshake from {Peer} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string peer, string reason);
}
