using System.Net;
using System.Net.Sockets;

namespace Mesh.TestSupport;

/// <summary>Finds a free TCP port on 127.0.0.1 (the OS picks it; the listener is closed again before use).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Address() => $"127.0.0.1:{Next()}";
}
