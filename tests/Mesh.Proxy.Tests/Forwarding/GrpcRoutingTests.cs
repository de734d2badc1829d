using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Proxy.Tests.Echo;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Forwarding;

/// <summary>gRPC follows the same routing rules: over HTTP/2 through a real sidecar, matching on the gRPC path and metadata.</summary>
public sealed class GrpcRoutingTests : IAsyncLifetime
{
    private const string Config = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: echo}
        spec:
          host: echo
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: echo}
        spec:
          hosts: [echo]
          http:
          - name: canary-header
            match:
            - uri: {exact: /test.echo.Echo/Say}
              headers:
                x-canary: {exact: "yes"}
            route: [{destination: {host: echo, subset: v2}}]
          - name: say
            match:
            - uri: {prefix: /test.echo.Echo/}
            route: [{destination: {host: echo, subset: v1}}]
        """;

    private readonly TempDirectory _config = new();
    private readonly string _outbound = FreePort.Address();
    private readonly List<IAsyncDisposable> _parts = [];
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _config.Write("echo.yaml", Config);
        var controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _parts.Add(controlPlane);
        foreach (var version in new[] { "v1", "v2" })
        {
            var server = await EchoServer.StartAsync($"echo-{version}");
            _parts.Add(server);
            _parts.Add(RegisteredWorkload.Connect(controlPlane.GrpcAddress, RegisteredWorkload.Describe($"echo-{version}", "echo", version, "grpc", 9090, server.Port)));
        }

        var sidecar = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:ControlPlane"] = controlPlane.GrpcAddress.ToString(),
            ["Mesh:Workload:Name"] = "client-v1",
            ["Mesh:Workload:Labels:app"] = "client",
            ["Mesh:Outbound:0:Service"] = "echo",
            ["Mesh:Outbound:0:Port"] = "9090",
            ["Mesh:Outbound:0:PortName"] = "grpc",
            ["Mesh:Outbound:0:Listen"] = _outbound,
        });
        _parts.Insert(0, sidecar);
        _channel = GrpcChannel.ForAddress($"http://{_outbound}");
        var client = new Echo.Echo.EchoClient(_channel);
        await Eventually.Until(async () => (await client.SayAsync(new SayRequest { Text = "ready?" })).ServedBy == "echo-v1", "the sidecar to route echo");
    }

    [Fact]
    public async Task GrpcCall_RoutedByPathAndMetadata_ToTheRightSubset()
    {
        var client = new Echo.Echo.EchoClient(_channel);

        var plain = await client.SayAsync(new SayRequest { Text = "hi" });
        var canary = await client.SayAsync(new SayRequest { Text = "hi" }, new Metadata { { "x-canary", "yes" } });

        Assert.Equal("echo-v1", plain.ServedBy);
        Assert.Equal("echo-v2", canary.ServedBy);
        Assert.Equal("hi", canary.Text);
    }

    [Fact]
    public async Task GrpcCall_NoRoute_IsAGrpcStatusNotAnHttpError()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _channel.CreateCallInvoker().AsyncUnaryCall(
                new Method<SayRequest, SayReply>(MethodType.Unary, "other.Service", "Say", Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), SayRequest.Parser.ParseFrom), Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), SayReply.Parser.ParseFrom)),
                null, new CallOptions(), new SayRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();

        // Clients before servers: the sidecar and registrations first, the control plane last.
        _parts.Reverse();
        _parts.Insert(0, _parts[^1]);
        _parts.RemoveAt(_parts.Count - 1);
        foreach (var part in _parts)
        {
            await part.DisposeAsync();
        }

        _config.Dispose();
    }
}
