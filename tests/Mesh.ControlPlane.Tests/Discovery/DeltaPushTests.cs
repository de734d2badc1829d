using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.Discovery;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Discovery;

/// <summary>
/// Pushes after the first are deltas: only what changed, on top of the version the proxy was sent; a proxy that
/// refused a delta gets the same version again in full.
/// </summary>
public sealed class DeltaPushTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly HttpClient _http = new();
    private ControlPlaneHost _controlPlane = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_config.Path, "reviews.yaml"), Rule("reviews", "v1"));
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _http.DefaultRequestHeaders.Authorization = new("Bearer", _controlPlane.OperatorToken);
        _channel = GrpcChannel.ForAddress(_controlPlane.GrpcAddress);
    }

    [Fact]
    public async Task AfterTheFirstFullSnapshot_EachPushCarriesOnlyWhatChanged()
    {
        using var first = await ConnectAsync("reviews-v1");
        var full = await NextAsync(first);
        Assert.True(full.Full);
        Assert.Equal(["DestinationRule/default/reviews"], full.Documents.Select(d => d.Key));
        // The first snapshot may predate the proxy's own registration; then its workload comes next, as a delta.
        var self = full.Workloads.Any(w => w.Name == "reviews-v1") ? full : await NextAsync(first, s => s.Workloads.Any(w => w.Name == "reviews-v1"));
        await AckAsync(first, self);

        // A new workload: the proxy already connected is sent only that workload.
        using var second = await ConnectAsync("ratings-v1");
        Assert.True((await NextAsync(second)).Full);
        var joined = await NextAsync(first, s => s.Workloads.Any(w => w.Name == "ratings-v1"));
        Assert.False(joined.Full);
        Assert.Equal(self.Version, joined.BaseVersion);
        Assert.Empty(joined.Documents);
        Assert.Equal(["ratings-v1"], joined.Workloads.Select(w => w.Name));
        await AckAsync(first, joined);

        // A changed resource: only its document.
        await ApplyAsync(Rule("reviews", "v2"));
        var changed = await NextAsync(first, s => s.Documents.Count > 0);
        Assert.False(changed.Full);
        Assert.Equal(joined.Version, changed.BaseVersion);
        Assert.Equal(["DestinationRule/default/reviews"], changed.Documents.Select(d => d.Key));
        Assert.Contains("version: v2", changed.Documents[0].Yaml, StringComparison.Ordinal);
        Assert.Empty(changed.Workloads);
        await AckAsync(first, changed);

        // A workload gone: only its key, as removed.
        second.Dispose();
        var left = await NextAsync(first, s => s.RemovedWorkloads.Count > 0);
        Assert.False(left.Full);
        Assert.Equal(["default/ratings-v1"], left.RemovedWorkloads);
        Assert.Empty(left.Documents);
    }

    [Fact]
    public async Task ARefusedDelta_IsSentAgainInFull()
    {
        using var proxy = await ConnectAsync("reviews-v1");
        await AckAsync(proxy, await NextAsync(proxy));

        await ApplyAsync(Rule("reviews", "v3"));
        var delta = await NextAsync(proxy, s => s.Documents.Count > 0);
        Assert.False(delta.Full);
        await proxy.RequestStream.WriteAsync(new ProxyMessage { Response = new PushResponse { Version = delta.Version, Nonce = delta.Nonce, Ack = false, ErrorDetail = "based on a version this proxy does not have" } });

        var again = await NextAsync(proxy);
        Assert.True(again.Full);
        Assert.Equal(delta.Version, again.Version);
        Assert.Contains(again.Documents, d => d.Yaml.Contains("version: v3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReportThatChangesNothing_PushesNothing()
    {
        using var proxy = await ConnectAsync("reviews-v1");
        var first = await NextAsync(proxy);
        var settled = first.Workloads.Any(w => w.Name == "reviews-v1") ? first : await NextAsync(proxy, s => s.Workloads.Any(w => w.Name == "reviews-v1"));
        await AckAsync(proxy, settled);

        // Healthy again while healthy: the registry is told, but no proxy's view changes, so no version is made.
        await proxy.RequestStream.WriteAsync(new ProxyMessage { Health = new WorkloadHealth { Healthy = true, Detail = "still fine" } });
        await ApplyAsync(Rule("reviews", "v4"));

        var next = await NextAsync(proxy);
        Assert.Equal(settled.Version, next.BaseVersion);
        Assert.Equal(["DestinationRule/default/reviews"], next.Documents.Select(d => d.Key));
    }

    [Fact]
    public async Task AProxyScopedByASidecar_IsSentOnlyTheNamespacesItSees()
    {
        await ApplyAsync("""
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata:
              name: default
              namespace: shop
            spec:
              egress:
              - hosts: ["./*", "istio-system/*"]
            """);
        using var outsider = await ConnectAsync("details-v1");
        await NextAsync(outsider, s => s.Workloads.Any(w => w.Name == "details-v1"));

        using var scoped = await ConnectAsync("cart-v1", "shop");
        var seen = await NextAsync(scoped, s => s.Workloads.Any(w => w.Name == "cart-v1"));
        Assert.DoesNotContain(seen.Workloads, w => w.Namespace == "default");
        await AckAsync(scoped, seen);

        // A workload joins a namespace the scoped proxy cannot see: the unscoped proxy hears of it, the scoped one does not...
        using var joiner = await ConnectAsync("ratings-v1");
        await NextAsync(outsider, s => s.Workloads.Any(w => w.Name == "ratings-v1"));
        var status = await Eventually.Until(() => ProxyStatusAsync("cart-v1.shop"), s => s == "SYNCED", "the scoped proxy to count as synced");
        Assert.Equal("SYNCED", status);

        // ...and its next push is a delta from the version it has, skipping the one it did not need.
        await ApplyAsync(Rule("reviews", "v5"));
        var next = await NextAsync(scoped);
        Assert.False(next.Full);
        Assert.Equal(seen.Version, next.BaseVersion);
        Assert.Equal(["DestinationRule/default/reviews"], next.Documents.Select(d => d.Key));
        Assert.Empty(next.Workloads);
    }

    private async Task<string?> ProxyStatusAsync(string proxyId)
    {
        var rows = await _http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/proxies"));
        return rows.EnumerateArray().Where(r => r.GetProperty("proxyId").GetString() == proxyId).Select(r => r.GetProperty("status").GetString()).FirstOrDefault();
    }

    private async Task<AsyncDuplexStreamingCall<ProxyMessage, ControlPlaneMessage>> ConnectAsync(string workload, string ns = "default")
    {
        var call = new MeshDiscovery.MeshDiscoveryClient(_channel).Connect();
        await call.RequestStream.WriteAsync(new ProxyMessage
        {
            Hello = new ProxyHello
            {
                ProxyId = $"{workload}.{ns}",
                Kind = ProxyKind.Sidecar,
                Workload = new Workload { Name = workload, Namespace = ns, Address = "127.0.0.1", Healthy = true, Labels = { ["app"] = workload.Split('-')[0] } },
            },
        });
        return call;
    }

    private static async Task<ConfigSnapshot> NextAsync(AsyncDuplexStreamingCall<ProxyMessage, ControlPlaneMessage> call, Func<ConfigSnapshot, bool>? wanted = null)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.Snapshot is { } snapshot && (wanted is null || wanted(snapshot)))
            {
                return snapshot;
            }
        }

        throw new InvalidOperationException("the stream ended");
    }

    private static Task AckAsync(AsyncDuplexStreamingCall<ProxyMessage, ControlPlaneMessage> call, ConfigSnapshot snapshot) =>
        call.RequestStream.WriteAsync(new ProxyMessage { Response = new PushResponse { Version = snapshot.Version, Nonce = snapshot.Nonce, Ack = true } });

    private async Task ApplyAsync(string yaml)
    {
        using var response = await _http.PostAsync(new Uri(_controlPlane.AdminAddress, "/api/config"), new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Rule(string host, string version) => $$"""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: {{host}}
        spec:
          host: {{host}}
          subsets:
          - name: pinned
            labels: {version: {{version}}}
        """;

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _controlPlane.DisposeAsync();
        _http.Dispose();
        _config.Dispose();
    }
}
