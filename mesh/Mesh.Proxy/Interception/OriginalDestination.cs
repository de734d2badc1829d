using System.Net;
using System.Net.Sockets;

namespace Mesh.Proxy.Interception;

/// <summary>
/// Where a connection that iptables redirected to this proxy was originally going: the kernel keeps it for the
/// socket, and <c>getsockopt(SOL_IP, SO_ORIGINAL_DST)</c> returns it as a <c>sockaddr_in</c>.
/// </summary>
public static class OriginalDestination
{
    private const int SolIp = 0;
    private const int SoOriginalDst = 80;

    public static IPEndPoint? Of(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!OperatingSystem.IsLinux() || socket.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return null;
        }

        Span<byte> address = stackalloc byte[16];
        try
        {
            if (socket.GetRawSocketOption(SolIp, SoOriginalDst, address) < 8)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        // sockaddr_in: family (2 bytes, host order), port (2 bytes, network order), IPv4 address (4 bytes).
        var port = (address[2] << 8) | address[3];
        return new IPEndPoint(new IPAddress(address.Slice(4, 4)), port);
    }
}
