using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Console;

/// <summary>The console as the control plane serves it: its pages, the wizard's preview (a dry run), and a clear answer without Prometheus.</summary>
public sealed class ConsoleEndpointsTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly HttpClient _http = new();
    private ControlPlaneHost _controlPlane = null!;

    public async Task InitializeAsync()
    {
        _config.Write("reviews.yaml", """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              subsets:
              - name: v1
                labels: {version: v1}
              - name: v2
                labels: {version: v2}
            """);
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _http.DefaultRequestHeaders.Authorization = new("Bearer", _controlPlane.OperatorToken);
    }

    [Theory]
    [InlineData("graph.html", "graph.js")]
    [InlineData("validations.html", "validations.js")]
    [InlineData("canary.html", "canary.js")]
    [InlineData("proxies.html", "proxies.js")]
    public async Task Pages_AreServedUnderConsole(string page, string script)
    {
        var html = await _http.GetStringAsync(new Uri(_controlPlane.AdminAddress, $"/console/{page}"));
        Assert.Contains($"src=\"{script}\"", html, StringComparison.Ordinal);
        using var response = await _http.GetAsync(new Uri(_controlPlane.AdminAddress, $"/console/{script}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Graph_WithoutPrometheus_SaysSo()
    {
        using var response = await _http.GetAsync(new Uri(_controlPlane.AdminAddress, "/api/graph?type=workload&window=1m"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("no Prometheus", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type=sankey&window=1m")]
    [InlineData("type=workload&window=1m])")]
    public async Task Graph_RefusesWhatItDoesNotOffer(string query)
    {
        using var response = await _http.GetAsync(new Uri(_controlPlane.AdminAddress, $"/api/graph?{query}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Preview_ValidatesAgainstTheServedConfig_WithoutChangingIt()
    {
        var before = await RevisionAsync();
        var subsets = await _http.GetFromJsonAsync<JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/canary/default/reviews"));
        Assert.Equal(["v1", "v2"], subsets.GetProperty("subsets").EnumerateArray().Select(s => s.GetString()));

        var good = await PreviewAsync(new { @namespace = "default", service = "reviews", weights = new { v1 = 80, v2 = 20 } });
        var unknownSubset = await PreviewAsync(new { @namespace = "default", service = "reviews", weights = new { v1 = 80, v9 = 20 } });

        Assert.True(good.GetProperty("valid").GetBoolean());
        Assert.Contains("weight: 80", good.GetProperty("yaml").GetString(), StringComparison.Ordinal);
        Assert.False(unknownSubset.GetProperty("valid").GetBoolean());
        Assert.Contains(unknownSubset.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "MESH201");
        Assert.Equal(before, await RevisionAsync());
    }

    private async Task<JsonElement> PreviewAsync(object plan)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(_controlPlane.AdminAddress, "/api/canary/preview"), plan);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<long> RevisionAsync() =>
        (await _http.GetFromJsonAsync<JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/config/status"))).GetProperty("revision").GetInt64();

    public async Task DisposeAsync()
    {
        await _controlPlane.DisposeAsync();
        _http.Dispose();
        _config.Dispose();
    }
}
