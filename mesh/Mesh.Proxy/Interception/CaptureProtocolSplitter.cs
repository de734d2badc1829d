using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Mesh.Proxy.Interception;

/// <summary>
/// Apps speak plaintext HTTP/1.1 or HTTP/2 with prior knowledge (gRPC) to whatever they dial, and one Kestrel
/// endpoint cannot serve both without TLS. The outbound capture therefore looks at each connection's first bytes
/// and hands it to one of two Unix-socket listeners of this proxy (HTTP/1.1 or h2c), first writing one line with
/// the connection's original destination, which the other side reads back before HTTP starts.
/// </summary>
public static class CaptureProtocolSplitter
{
    private static readonly byte[] Http2Preface = "PRI * HTTP/2.0"u8.ToArray();

    /// <summary>The capture side: sniff, then pipe to the right socket behind a destination line.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Split(string http1Socket, string http2Socket, string originalDestinationKey) => _ => async connection =>
    {
        var input = connection.Transport.Input;
        var read = await input.ReadAtLeastAsync(Http2Preface.Length, connection.ConnectionClosed);
        var buffer = read.Buffer;
        if (buffer.IsEmpty || connection.Items[originalDestinationKey] is not IPEndPoint original)
        {
            return;
        }

        var head = buffer.Slice(0, Math.Min(Http2Preface.Length, buffer.Length)).ToArray();
        input.AdvanceTo(buffer.Start);
        var http2 = head.AsSpan().SequenceEqual(Http2Preface);
        await Tls.PlaintextDiverter.PipeAsync(connection, http2 ? http2Socket : http1Socket, Encoding.ASCII.GetBytes(original + "\n"));
    };

    /// <summary>The Unix-socket side: read the destination line back, then let HTTP begin.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Restore(string originalDestinationKey) => next => async connection =>
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var read = await input.ReadAsync(connection.ConnectionClosed);
            var buffer = read.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = Encoding.ASCII.GetString(buffer.Slice(0, end).ToArray());
                input.AdvanceTo(buffer.GetPosition(1, end));
                if (!IPEndPoint.TryParse(line, out var original))
                {
                    return;
                }

                connection.Items[originalDestinationKey] = original;
                await next(connection);
                return;
            }

            if (read.IsCompleted || buffer.Length > 64)
            {
                return;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    };
}
