using System.Net;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Admin;

/// <summary>The kubelet's probes, rewritten by the injector to the sidecar's admin port, reach the app's real health endpoint.</summary>
public sealed class AppHealthTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly HttpClient _kubelet = new(new SocketsHttpHandler { UseProxy = false });
    private ControlPlaneHost _controlPlane = null!;
    private HttpEchoServer _app = null!;
    private ProxyHost _sidecar = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _app = await HttpEchoServer.StartAsync("reviews-v1", http2: false);
        _sidecar = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:ControlPlane"] = _controlPlane.GrpcAddress.ToString(),
            ["Mesh:Workload:Name"] = "reviews-v1",
            ["Mesh:AppProbes:reviews-readyz"] = $"http://127.0.0.1:{_app.Port}/health",
            ["Mesh:AppProbes:reviews-livez"] = $"http://127.0.0.1:{FreePort.Address().Split(':')[1]}/health",
        });
    }

    [Fact]
    public async Task AppHealth_ForwardsToTheAppsProbe()
    {
        using var response = await _kubelet.GetAsync(new Uri(_sidecar.AdminAddress, "/app-health/reviews/readyz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AppHealth_AppNotListening_Is503()
    {
        using var response = await _kubelet.GetAsync(new Uri(_sidecar.AdminAddress, "/app-health/reviews/livez"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task AppHealth_UnknownContainer_Is404()
    {
        using var response = await _kubelet.GetAsync(new Uri(_sidecar.AdminAddress, "/app-health/ratings/readyz"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _kubelet.Dispose();
        await _sidecar.DisposeAsync();
        await _app.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _config.Dispose();
    }
}
