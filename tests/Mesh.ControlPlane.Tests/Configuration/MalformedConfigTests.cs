using System.Net.Http.Json;
using System.Text.Json;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Configuration;

/// <summary>A broken file in the config folder is reported with file, line and reason, and nothing stops serving.</summary>
public sealed class MalformedConfigTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly HttpClient _http = new();
    private readonly string _gatewayListen = FreePort.Address();
    private ControlPlaneHost _controlPlane = null!;
    private ProxyHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _config.Write("gateway.yaml", GatewayConfig("served by config one"));
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _http.DefaultRequestHeaders.Authorization = new("Bearer", _controlPlane.OperatorToken);
        _gateway = await ProxyHost.StartGatewayAsync(_controlPlane.GrpcAddress, _gatewayListen);
        await Eventually.Until(() => GetGatewayAsync(), body => body == "served by config one", "the gateway to serve config one");
    }

    [Fact]
    public async Task MalformedFile_IsLoggedWithFileLineAndReason_AndTheLastGoodConfigKeepsServing()
    {
        _config.Write("broken.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: broken\nspec:\n  hosts: [\"a\"\n");

        var status = await Eventually.Until(ConfigStatusAsync, s => s.GetProperty("lastChangeRejected").GetBoolean(), "the change to be refused");
        var finding = status.GetProperty("rejectedFindings")[0];
        Assert.EndsWith("broken.yaml", finding.GetProperty("file").GetString());
        Assert.Equal(7, finding.GetProperty("line").GetInt32());
        Assert.Equal("MESH101", finding.GetProperty("code").GetString());
        Assert.Contains(_controlPlane.Logs.Lines, l => l.Contains("broken.yaml:7:", StringComparison.Ordinal) && l.Contains("YAML syntax error", StringComparison.Ordinal));
        Assert.Equal("served by config one", await GetGatewayAsync());
    }

    [Fact]
    public async Task UnknownField_IsRefused_AndFixingTheFolderServesTheNewConfig()
    {
        _config.Write("gateway.yaml", GatewayConfig("served by config two").Replace("  hosts:\n  - \"*\"\n  gateways:", "  hosts:\n  - \"*\"\n  gateway:", StringComparison.Ordinal));

        var status = await Eventually.Until(ConfigStatusAsync, s => s.GetProperty("lastChangeRejected").GetBoolean(), "the change to be refused");
        // Without its gateways the "*" host would be bound to the mesh, which Istio refuses too (MESH111): look for the typo's finding.
        var finding = status.GetProperty("rejectedFindings").EnumerateArray().Single(f => f.GetProperty("code").GetString() == "MESH103");
        Assert.Contains("unknown field 'gateway'", finding.GetProperty("message").GetString());
        Assert.Equal("served by config one", await GetGatewayAsync());

        _config.Write("gateway.yaml", GatewayConfig("served by config two"));
        await Eventually.Until(() => GetGatewayAsync(), body => body == "served by config two", "the gateway to serve config two");
    }

    private async Task<string> GetGatewayAsync() => await _http.GetStringAsync($"http://{_gatewayListen}/");

    private async Task<JsonElement> ConfigStatusAsync() =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/config/status"));

    private string GatewayConfig(string body) => $$"""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: edge
        spec:
          selector:
            istio: ingressgateway
          servers:
          - port:
              number: {{_gatewayListen.Split(':')[1]}}
              name: http
              protocol: HTTP
            hosts:
            - "*"
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: edge
        spec:
          hosts:
          - "*"
          gateways:
          - edge
          http:
          - directResponse:
              status: 200
              body:
                string: {{body}}
        """;

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _http.Dispose();
        _config.Dispose();
    }
}
