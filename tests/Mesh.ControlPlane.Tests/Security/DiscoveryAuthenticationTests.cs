using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.Discovery;
using Mesh.Security;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Security;

/// <summary>
/// The discovery stream as an attacker who speaks its gRPC contract meets it: no token, another identity's token, or a
/// token bound to another workload gets no registration and no snapshot; one proxy cannot take over or remove another's
/// registration; and the control plane never dials the address a proxy claims.
/// </summary>
public sealed class DiscoveryAuthenticationTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly byte[] _tokenKey = "the key the app host signs service-account tokens with"u8.ToArray();
    private ControlPlaneHost _controlPlane = null!;
    private HttpClient _admin = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path, settings: new Dictionary<string, string?>
        {
            ["ControlPlane:TokenKey"] = Convert.ToBase64String(_tokenKey),
            ["ControlPlane:XdsAuth"] = "true",
        });
        _admin = _controlPlane.AdminClient();
        _channel = GrpcChannel.ForAddress(_controlPlane.GrpcAddress);
    }

    [Fact]
    public async Task Hello_WithoutAToken_IsUnauthenticated_AndRegistersNothing()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ConnectAsync(null, Hello("reviews-v1", "reviews", "v1")));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Empty(await WorkloadsAsync());
    }

    [Fact]
    public async Task Hello_ForAnotherServiceAccount_IsPermissionDenied()
    {
        var details = Token("bookinfo-details", Bound("details-v1", "details", "v1"));

        var error = await Assert.ThrowsAsync<RpcException>(() => ConnectAsync(details, Hello("reviews-v1", "reviews", "v1")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("bookinfo-details", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await WorkloadsAsync());
    }

    [Fact]
    public async Task Hello_ClaimingLabelsItsTokenIsNotBoundTo_IsPermissionDenied()
    {
        // reviews-v1's own token, but a forged version label to attract v2's traffic.
        var token = Token("bookinfo-reviews", Bound("reviews-v1", "reviews", "v1"));

        var error = await Assert.ThrowsAsync<RpcException>(() => ConnectAsync(token, Hello("reviews-v1", "reviews", "v2")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("labels", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyIdTakeover_WithTheSameServiceAccountsTokenOfAnotherPod_IsPermissionDenied_AndTheRealOneStays()
    {
        await using var real = await ConnectAsync(Token("bookinfo-reviews", Bound("reviews-v1", "reviews", "v1")), Hello("reviews-v1", "reviews", "v1"));
        var v2 = Token("bookinfo-reviews", Bound("reviews-v2", "reviews", "v2"));

        var error = await Assert.ThrowsAsync<RpcException>(() => ConnectAsync(v2, Hello("reviews-v1", "reviews", "v1")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(["reviews-v1"], await WorkloadsAsync());
    }

    [Fact]
    public async Task AnotherIdentity_CannotTakeOverARegisteredProxyId_EvenUnbound()
    {
        await using var real = await ConnectAsync(Token("bookinfo-reviews", Bound("reviews-v1", "reviews", "v1")), Hello("reviews-v1", "reviews", "v1"));
        var hello = Hello("reviews-v1", "reviews", "v1");
        hello.Workload.ServiceAccount = "bookinfo-details";

        var error = await Assert.ThrowsAsync<RpcException>(() => ConnectAsync(Token("bookinfo-details", null), hello));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(["reviews-v1"], await WorkloadsAsync());
    }

    [Fact]
    public async Task SecondConnectionOfTheSameProxy_GoingAway_LeavesTheFirstRegistered()
    {
        var token = Token("bookinfo-reviews", Bound("reviews-v1", "reviews", "v1"));
        await using var first = await ConnectAsync(token, Hello("reviews-v1", "reviews", "v1"));
        var second = await ConnectAsync(token, Hello("reviews-v1", "reviews", "v1"));

        await Eventually.Until(() => _admin.GetFromJsonAsync<JsonElement>("/api/proxies"), p => p.GetArrayLength() == 2, "both streams to be open");

        await second.DisposeAsync();

        // Once the control plane has seen the second stream go, the first one's registration must still be there.
        await Eventually.Until(() => _admin.GetFromJsonAsync<JsonElement>("/api/proxies"), p => p.GetArrayLength() == 1, "the second stream to be gone");
        Assert.Equal(["reviews-v1"], await WorkloadsAsync());
    }

    [Fact]
    public async Task ConfigDump_TravelsOverTheProxysStream_TheClaimedAddressIsNeverDialled()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var claimed = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var hello = Hello("reviews-v1", "reviews", "v1");
        hello.AdminAddress = claimed;
        await using var proxy = await ConnectAsync(Token("bookinfo-reviews", Bound("reviews-v1", "reviews", "v1")), hello, dump: "{\"proxy\":\"reviews-v1\"}");

        var dump = await _admin.GetStringAsync("/api/proxies/reviews-v1.default/config_dump");

        Assert.Equal("{\"proxy\":\"reviews-v1\"}", dump);
        Assert.False(listener.Pending(), "the control plane connected to the address the proxy claimed");
    }

    [Fact]
    public async Task PrometheusTargets_LeaveOutAnAddressOffTheWorkloadsHost()
    {
        var hello = Hello("reviews-v1", "reviews", "v1");
        hello.AdminAddress = "169.254.169.254:80";
        await using var proxy = await ConnectAsync(Token("bookinfo-reviews", Bound("reviews-v1", "reviews", "v1")), hello);

        var targets = await _admin.GetFromJsonAsync<JsonElement>("/api/prometheus/targets");

        Assert.Equal(["reviews-v1"], await WorkloadsAsync());
        Assert.Empty(targets.EnumerateArray());
    }

    private static BoundWorkload Bound(string name, string app, string version) =>
        new($"{name}.default", name, new Dictionary<string, string> { ["app"] = app, ["version"] = version });

    private string Token(string serviceAccount, BoundWorkload? workload) =>
        ServiceAccountTokens.Issue(_tokenKey, "default", serviceAccount, TimeSpan.FromHours(1), TimeProvider.System, workload);

    private static ProxyHello Hello(string name, string app, string version) => new()
    {
        ProxyId = $"{name}.default",
        Kind = ProxyKind.Sidecar,
        AdminAddress = "127.0.0.1:1",
        Workload = new Workload
        {
            Name = name,
            Namespace = "default",
            ServiceAccount = $"bookinfo-{app}",
            Address = "127.0.0.1",
            Healthy = true,
            Labels = { ["app"] = app, ["version"] = version },
            Ports = { new WorkloadPort { Name = "http", ServicePort = 9080, Port = 19080 } },
        },
    };

    /// <summary>Opens a stream, says hello and waits for the first snapshot (which only an accepted proxy gets).</summary>
    private async Task<Stream> ConnectAsync(string? token, ProxyHello hello, string dump = "{}")
    {
        var headers = token is null ? null : new Metadata { { "authorization", $"Bearer {token}" } };
        var call = new MeshDiscovery.MeshDiscoveryClient(_channel).Connect(headers);
        await call.RequestStream.WriteAsync(new ProxyMessage { Hello = hello });
        var stream = new Stream(call, dump);
        try
        {
            await stream.FirstSnapshot.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }

        return stream;
    }

    private async Task<string[]> WorkloadsAsync() =>
        [.. (await _admin.GetFromJsonAsync<JsonElement>("/api/registry")).GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("name").GetString()!)];

    /// <summary>One proxy's side of the stream: ACKs snapshots and answers config dump requests.</summary>
    private sealed class Stream : IAsyncDisposable
    {
        private readonly AsyncDuplexStreamingCall<ProxyMessage, ControlPlaneMessage> _call;
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _loop;

        public Stream(AsyncDuplexStreamingCall<ProxyMessage, ControlPlaneMessage> call, string dump)
        {
            _call = call;
            _loop = Task.Run(async () =>
            {
                try
                {
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                        var message = call.ResponseStream.Current;
                        if (message.Snapshot is { } snapshot)
                        {
                            await call.RequestStream.WriteAsync(new ProxyMessage { Response = new PushResponse { Version = snapshot.Version, Nonce = snapshot.Nonce, Ack = true } });
                            _first.TrySetResult();
                        }
                        else if (message.ConfigDumpRequest is { } request)
                        {
                            await call.RequestStream.WriteAsync(new ProxyMessage { ConfigDump = new ConfigDumpResponse { RequestId = request.RequestId, Json = dump } });
                        }
                    }

                    _first.TrySetException(new InvalidOperationException("the stream ended before a snapshot"));
                }
                catch (RpcException e)
                {
                    _first.TrySetException(e);
                }
            });
        }

        public Task FirstSnapshot => _first.Task;

        public async ValueTask DisposeAsync()
        {
            _call.Dispose();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        _admin.Dispose();
        await _controlPlane.DisposeAsync();
        _config.Dispose();
    }
}
