using System.Net;
using System.Net.Sockets;

namespace Mesh.TestSupport;

/// <summary>
/// Loopback ports for test servers. They come from below the kernel's ephemeral range (32768–60999), which outgoing
/// connections take their local ports from: a port picked there can be taken by some connection before the server
/// binds it, which happens when many test processes load the machine at once. Each test process starts in its own
/// block of the range, and every port is checked bindable before it is handed out.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int Last = 32700;
    private const int Block = 128;

    private static int _next = First + (Environment.ProcessId % ((Last - First) / Block)) * Block;

    public static int Next()
    {
        for (var tries = 0; tries < Last - First; tries++)
        {
            var port = Interlocked.Increment(ref _next);
            if (port > Last)
            {
                Interlocked.CompareExchange(ref _next, First, port);
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port between {First} and {Last}");
    }

    public static string Address() => $"127.0.0.1:{Next()}";
}
