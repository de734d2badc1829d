using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Chaos.Network;

/// <summary>
/// A minimal HTTP/1.1 server listening inside a namespaced host: every request (keep-alive) is answered 200 with a
/// short body naming the host. It is the far end for partition and packet-loss experiments.
/// </summary>
public sealed class NamespacedHttpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private readonly byte[] _response;

    public NamespacedHttpServer(NetworkHost host, int port = 8080)
    {
        Endpoint = new IPEndPoint(host.Address, port);
        var body = $"hello from {host.Name}\n";
        _response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        _listener = NamespacedHosts.CreateSocket(host);
        _listener.Bind(Endpoint);
        _listener.Listen(128);
        _accepting = AcceptAsync();
    }

    public IPEndPoint Endpoint { get; }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                _ = ServeAsync(await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            var buffer = new byte[8192];
            var pending = 0;
            try
            {
                while (true)
                {
                    var read = await connection.ReceiveAsync(buffer.AsMemory(pending), SocketFlags.None, _stopping.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    pending += read;

                    // Answer every complete request head (requests here have no body).
                    int end;
                    while ((end = buffer.AsSpan(0, pending).IndexOf("\r\n\r\n"u8)) >= 0)
                    {
                        await connection.SendAsync(_response, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
                        var consumed = end + 4;
                        buffer.AsSpan(consumed, pending - consumed).CopyTo(buffer);
                        pending -= consumed;
                    }

                    if (pending == buffer.Length)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away, the network broke, or the server stops.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
