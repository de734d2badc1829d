using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.Discovery;

namespace Mesh.Benchmarks.Scale;

/// <summary>
/// One simulated proxy: a real gRPC stream to the control plane that says hello with its own workload and ACKs every
/// pushed snapshot, as the real proxy does, but without building routes. It reads only what it needs from each push
/// (version, nonce, and the churn marker) so that one process can hold thousands of them.
/// </summary>
public sealed class SimulatedProxy(int index, GrpcChannel channel, ConvergenceLog log, byte[] tokenKey)
{
    private readonly Metadata _credential = new()
    {
        { "authorization", $"Bearer {Mesh.Security.ServiceAccountTokens.Issue(tokenKey, $"ns-{index / 100}", $"svc-{index / 10}", TimeSpan.FromHours(4), TimeProvider.System)}" },
    };

    private static readonly Method<ProxyMessage, PushHeader> Connect = new(
        MethodType.DuplexStreaming, "mesh.discovery.v1.MeshDiscovery", "Connect",
        Marshallers.Create<ProxyMessage>(m => Google.Protobuf.MessageExtensions.ToByteArray(m), ProxyMessage.Parser.ParseFrom),
        Marshallers.Create<PushHeader>(_ => throw new NotSupportedException(), PushHeader.Read));

    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Index { get; } = index;

    /// <summary>Completes when the first snapshot was ACKed.</summary>
    public Task Connected => _first.Task;

    public long Version { get; private set; }

    public int Marker { get; private set; } = -1;

    public int Pushes { get; private set; }

    /// <summary>Streams that broke or could not open and were opened again, with the real proxy's backoff.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Like the real proxy: keep a stream open, and after a failure reconnect with jittered exponential backoff.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(cancellationToken);
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                Reconnects++;
                await Task.Delay(backoff * (0.5 + (Random.Shared.NextDouble() / 2)), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, backoff.Ticks * 2));
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task StreamAsync(CancellationToken cancellationToken)
    {
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(Connect, null, new CallOptions(_credential, cancellationToken: cancellationToken));
        await call.RequestStream.WriteAsync(new ProxyMessage { Hello = Hello() }, cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            var push = call.ResponseStream.Current;
            if (push.Version is null)
            {
                continue;
            }

            Pushes++;
            Version = long.Parse(push.Version, System.Globalization.CultureInfo.InvariantCulture);
            if (push.Marker is { } marker && marker > Marker)
            {
                log.Applied(Index, Marker, marker);
                Marker = marker;
            }

            await call.RequestStream.WriteAsync(new ProxyMessage { Response = new PushResponse { Version = push.Version, Nonce = push.Nonce, Ack = true } }, cancellationToken);
            _first.TrySetResult();
        }
    }

    /// <summary>Workloads spread over namespaces of 100 and services of 10 replicas (half v1, half v2), as a real mesh's would be.</summary>
    private ProxyHello Hello() => new()
    {
        ProxyId = $"sim-{Index}",
        Kind = ProxyKind.Sidecar,
        Workload = new Workload
        {
            Name = $"sim-{Index}",
            Namespace = $"ns-{Index / 100}",
            Labels = { ["app"] = $"svc-{Index / 10}", ["version"] = Index % 2 == 0 ? "v1" : "v2" },
            ServiceAccount = $"svc-{Index / 10}",
            Address = $"127.{(Index >> 16) & 255}.{(Index >> 8) & 255}.{Index & 255}",
            Ports = { new WorkloadPort { Name = "http", ServicePort = 80, Port = 15006 } },
            Healthy = true,
        },
    };
}

/// <summary>What a simulated proxy reads of one control-plane message: the snapshot's version and nonce, and the churn marker if its document is in it.</summary>
public sealed record PushHeader(string? Version, string Nonce, int? Marker)
{
    public const string ChurnKey = "VirtualService/bench/churn";

    /// <summary>Walks the protobuf fields by hand, skipping the workloads and every other document unread.</summary>
    public static PushHeader Read(byte[] payload)
    {
        var reader = new WireReader(payload, 0, payload.Length);
        while (reader.Next(out var field, out var start, out var end))
        {
            if (field == 1)
            {
                return ReadSnapshot(new WireReader(payload, start, end));
            }
        }

        return new PushHeader(null, "", null);
    }

    private static PushHeader ReadSnapshot(WireReader reader)
    {
        string version = "", nonce = "";
        int? marker = null;
        while (reader.Next(out var field, out var start, out var end))
        {
            switch (field)
            {
                case 1: version = reader.String(start, end); break;
                case 2: nonce = reader.String(start, end); break;
                case 5: marker ??= ChurnMarker(new WireReader(reader.Buffer, start, end)); break;
            }
        }

        return new PushHeader(version, nonce, marker);
    }

    private static int? ChurnMarker(WireReader document)
    {
        string? key = null, yaml = null;
        while (document.Next(out var field, out var start, out var end))
        {
            if (field == 1)
            {
                key = document.String(start, end);
            }
            else if (field == 4)
            {
                yaml = document.String(start, end);
            }
        }

        if (key != ChurnKey || yaml is null)
        {
            return null;
        }

        var at = yaml.IndexOf(ChurnLabel, StringComparison.Ordinal) + ChurnLabel.Length;
        var close = yaml.IndexOf('"', at);
        return int.Parse(yaml.AsSpan(at, close - at), System.Globalization.CultureInfo.InvariantCulture);
    }

    public const string ChurnLabel = "bench/churn: \"";

    /// <summary>Length-delimited fields of a protobuf message; varint and fixed fields are skipped.</summary>
    private struct WireReader(byte[] buffer, int position, int end)
    {
        public readonly byte[] Buffer => buffer;

        public bool Next(out int field, out int start, out int stop)
        {
            while (position < end)
            {
                var tag = Varint();
                field = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0: Varint(); break;
                    case 1: position += 8; break;
                    case 5: position += 4; break;
                    case 2:
                        var length = (int)Varint();
                        start = position;
                        stop = position += length;
                        return true;
                    default: throw new InvalidDataException($"wire type {tag & 7} at {position}");
                }
            }

            (field, start, stop) = (0, 0, 0);
            return false;
        }

        public readonly string String(int start, int stop) => Encoding.UTF8.GetString(buffer, start, stop - start);

        private ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = buffer[position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
