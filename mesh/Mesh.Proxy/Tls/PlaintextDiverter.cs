using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Mesh.Config.Model.Security;
using Mesh.Proxy.Routing;
using Microsoft.AspNetCore.Connections;

namespace Mesh.Proxy.Tls;

/// <summary>
/// Lets one inbound port serve what PeerAuthentication allows, as Istio's protocol sniffing does: a connection that
/// starts with a TLS handshake goes on to mutual TLS; a plaintext one is refused under STRICT, and otherwise handed to
/// the proxy's own plaintext listener (HTTP/1.1, or h2c when it starts with the HTTP/2 preface) over a Unix socket.
/// Under DISABLE, TLS is refused. The mode is read per connection, so a PeerAuthentication change applies at once.
/// </summary>
public sealed partial class PlaintextDiverter(RouteTableProvider routes, ILogger<PlaintextDiverter> logger)
{
    private const byte TlsHandshake = 0x16;

    /// <summary>For a sidecar's inbound port: what its PeerAuthentication mode allows.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> For(int servicePort, string http1Socket, string http2Socket) =>
        For(() => routes.Current.MutualTlsFor(servicePort), servicePort, http1Socket, http2Socket);

    /// <summary>For a gateway port: TLS when a Gateway server on it has TLS, plaintext otherwise (PERMISSIVE in effect).</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> ForGateway(int port, string http1Socket, string http2Socket) =>
        For(() => MutualTlsMode.Permissive, port, http1Socket, http2Socket);

    private Func<ConnectionDelegate, ConnectionDelegate> For(Func<MutualTlsMode> policy, int servicePort, string http1Socket, string http2Socket) => next => async connection =>
    {
        var input = connection.Transport.Input;
        var read = await input.ReadAtLeastAsync(3, connection.ConnectionClosed);
        var buffer = read.Buffer;
        if (buffer.IsEmpty)
        {
            return;
        }

        var head = buffer.Slice(0, Math.Min(3, buffer.Length)).ToArray();
        input.AdvanceTo(buffer.Start);
        var mode = policy();
        if (head[0] == TlsHandshake)
        {
            if (mode == MutualTlsMode.Disable)
            {
                LogRefused(logger, "TLS", servicePort, "DISABLE", connection.RemoteEndPoint?.ToString() ?? "?");
                return;
            }

            await next(connection);
            return;
        }

        if (mode == MutualTlsMode.Strict)
        {
            LogRefused(logger, "plaintext", servicePort, "STRICT", connection.RemoteEndPoint?.ToString() ?? "?");
            return;
        }

        var http2 = head.Length == 3 && head[0] == (byte)'P' && head[1] == (byte)'R' && head[2] == (byte)'I';
        await PipeAsync(connection, http2 ? http2Socket : http1Socket);
    };

    /// <summary>Hands a connection to one of this proxy's Unix-socket listeners, after an optional preamble, and relays both ways.</summary>
    internal static async Task PipeAsync(ConnectionContext connection, string socketPath, byte[]? preamble = null)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), connection.ConnectionClosed);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        if (preamble is not null)
        {
            await stream.WriteAsync(preamble, connection.ConnectionClosed);
        }

        var toServer = connection.Transport.Input.CopyToAsync(stream, connection.ConnectionClosed);
        var toClient = stream.CopyToAsync(connection.Transport.Output, connection.ConnectionClosed);
        await Task.WhenAny(toServer, toClient);
        socket.Shutdown(SocketShutdown.Both);
        await connection.Transport.Output.CompleteAsync();
        await Task.WhenAll(toServer, toClient).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Kind} connection to inbound port {Port} under PeerAuthentication {Mode} from {Peer}")]
    private static partial void LogRefused(ILogger logger, string kind, int port, string mode, string peer);
}
