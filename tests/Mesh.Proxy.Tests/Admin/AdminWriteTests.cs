using System.Net;
using System.Net.Http.Headers;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Admin;

/// <summary>
/// A sidecar's admin listener as a local attacker or a web page meets it: <c>runtime_modify</c> (fault injection)
/// needs a credential the control plane vouches for, a write from another origin or to a foreign Host is refused, and
/// a refused write changes nothing. Stats and readiness move to their own listeners (Istio's 15090 and 15021).
/// </summary>
public sealed class AdminWriteTests : IAsyncLifetime
{
    private const string Abort = "/runtime_modify?fault.http.abort.http_status=500&fault.http.abort.abort_percent=100";

    private readonly TempDirectory _config = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly string _stats = FreePort.Address();
    private readonly string _health = FreePort.Address();
    private ControlPlaneHost _controlPlane = null!;
    private ProxyHost _sidecar = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _sidecar = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:ControlPlane"] = _controlPlane.GrpcAddress.ToString(),
            ["Mesh:Workload:Name"] = "reviews-v1",
            ["Mesh:StatsListen"] = _stats,
            ["Mesh:HealthListen"] = _health,
        });
        await Eventually.Until(() => _http.GetAsync($"http://{_health}/healthz/ready"), r => r.IsSuccessStatusCode, "the sidecar to have its config");
    }

    [Fact]
    public async Task RuntimeModify_WithoutACredential_Is401_AndChangesNothing()
    {
        using var response = await _http.PostAsync(new Uri(_sidecar.AdminAddress, Abort), null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{}", await _http.GetStringAsync(new Uri(_sidecar.AdminAddress, "/runtime")));
    }

    [Fact]
    public async Task RuntimeModify_WithATokenTheControlPlaneDidNotVouchFor_Is403()
    {
        using var response = await _http.SendAsync(Write(Abort, "a-guessed-token"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{}", await _http.GetStringAsync(new Uri(_sidecar.AdminAddress, "/runtime")));
    }

    [Fact]
    public async Task RuntimeModify_WithTheOperatorCredential_Applies()
    {
        var response = await Eventually.Until(() => _http.SendAsync(Write(Abort, _controlPlane.OperatorToken)), r => r.IsSuccessStatusCode,
            "the operator credential to be accepted (the control plane sends its digest on the stream)");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("abort_percent", await _http.GetStringAsync(new Uri(_sidecar.AdminAddress, "/runtime")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuntimeModify_FromAWebPageOfAnotherOrigin_IsRefused_EvenWithTheCredential()
    {
        using var request = Write(Abort, _controlPlane.OperatorToken);
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{}", await _http.GetStringAsync(new Uri(_sidecar.AdminAddress, "/runtime")));
    }

    [Fact]
    public async Task ConfigDump_ToAForeignHost_IsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_sidecar.AdminAddress, "/config_dump"));
        request.Headers.Host = $"evil.example:{_sidecar.AdminAddress.Port}";

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task StatsAndHealth_AreServedOnTheirOwnListeners_AndNotTheAdminsEndpoints()
    {
        Assert.Contains("mesh_proxy_config_version", await _http.GetStringAsync($"http://{_stats}/stats/prometheus"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"http://{_health}/healthz/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"http://{_stats}/config_dump")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync($"http://{_health}{Abort}", null)).StatusCode);
    }

    private HttpRequestMessage Write(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_sidecar.AdminAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sidecar.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _config.Dispose();
    }
}
