using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Net.Client;
using Mesh.Contracts.Discovery;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Discovery;

/// <summary>When a proxy NACKs, the control plane shows it: proxy status NACKED with the proxy's reason, and a metric.</summary>
public sealed class NackVisibilityTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly HttpClient _http = new();
    private ControlPlaneHost _controlPlane = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _http.DefaultRequestHeaders.Authorization = new("Bearer", _controlPlane.OperatorToken);
    }

    [Fact]
    public async Task ProxyNack_ShowsInProxyStatusAndMetrics()
    {
        using var channel = GrpcChannel.ForAddress(_controlPlane.GrpcAddress);
        using var call = new MeshDiscovery.MeshDiscoveryClient(channel).Connect();
        await call.RequestStream.WriteAsync(new ProxyMessage
        {
            Hello = new ProxyHello { ProxyId = "reviews-v1.default", Kind = ProxyKind.Sidecar, Workload = new Workload { Name = "reviews-v1", Namespace = "default", Address = "127.0.0.1", Healthy = true } },
        });

        // Like a proxy that cannot use any config: every pushed version is refused.
        var lastVersion = "";
        var refuser = Task.Run(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (call.ResponseStream.Current.Snapshot is not { } snapshot)
                {
                    continue;
                }

                lastVersion = snapshot.Version;
                await call.RequestStream.WriteAsync(new ProxyMessage
                {
                    Response = new PushResponse { Version = snapshot.Version, Nonce = snapshot.Nonce, Ack = false, ErrorDetail = "reviews.yaml:12:7: cannot build routes" },
                });
            }
        });

        var row = await Eventually.Until(ProxyRowAsync, r => r.ValueKind == JsonValueKind.Object && r.GetProperty("status").GetString() == "NACKED", "the proxy to show as NACKED");
        Assert.Equal(lastVersion, row.GetProperty("nackedVersion").GetString());
        Assert.Equal("reviews.yaml:12:7: cannot build routes", row.GetProperty("nackError").GetString());
        Assert.Contains(_controlPlane.Logs.Lines, l => l.Contains("Proxy reviews-v1.default NACKed version", StringComparison.Ordinal));
        var metrics = await _http.GetStringAsync(new Uri(_controlPlane.AdminAddress, "/metrics"));
        Assert.Contains("pilot_total_xds_rejects", metrics, StringComparison.Ordinal);
    }

    private async Task<JsonElement> ProxyRowAsync()
    {
        var rows = await _http.GetFromJsonAsync<JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/proxies"));
        return rows.EnumerateArray().FirstOrDefault(r => r.GetProperty("proxyId").GetString() == "reviews-v1.default");
    }

    public async Task DisposeAsync()
    {
        await _controlPlane.DisposeAsync();
        _http.Dispose();
        _config.Dispose();
    }
}
