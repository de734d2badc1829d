using Grpc.Net.Client;
using Mesh.Contracts.Discovery;

namespace Mesh.TestSupport;

/// <summary>
/// Registers a workload with a control plane over the real discovery stream, as a sidecar would, and ACKs every
/// snapshot, so a test can put any endpoint (for example a test gRPC server) into the mesh's registry.
/// </summary>
public sealed class RegisteredWorkload : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RegisteredWorkload(Uri controlPlane, Workload workload)
    {
        _channel = GrpcChannel.ForAddress(controlPlane);
        _loop = RunAsync(_channel, workload, _stop.Token);
    }

    public static RegisteredWorkload Connect(Uri controlPlane, Workload workload) => new(controlPlane, workload);

    private static async Task RunAsync(GrpcChannel channel, Workload workload, CancellationToken cancellationToken)
    {
        using var call = new MeshDiscovery.MeshDiscoveryClient(channel).Connect(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ProxyMessage { Hello = new ProxyHello { ProxyId = $"{workload.Name}.{workload.Namespace}", Kind = ProxyKind.Sidecar, Workload = workload } }, cancellationToken);
        try
        {
            while (await call.ResponseStream.MoveNext(cancellationToken))
            {
                if (call.ResponseStream.Current.Snapshot is not { } snapshot)
                {
                    continue;
                }

                await call.RequestStream.WriteAsync(new ProxyMessage { Response = new PushResponse { Version = snapshot.Version, Nonce = snapshot.Nonce, Ack = true } }, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or Grpc.Core.RpcException)
        {
        }
    }

    public static Workload Describe(string name, string app, string version, string portName, uint servicePort, int port) => new()
    {
        Name = name,
        Namespace = "default",
        Address = "127.0.0.1",
        Healthy = true,
        Labels = { ["app"] = app, ["version"] = version },
        Ports = { new WorkloadPort { Name = portName, ServicePort = servicePort, Port = (uint)port } },
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _channel.Dispose();
        _stop.Dispose();
    }
}
