using System.Text.Json;
using Mesh.Contracts.Discovery;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Discovery;

/// <summary>A proxy refuses a snapshot it cannot use, says why, and keeps routing with the one it had.</summary>
public sealed class NackTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private readonly string _gatewayListen = FreePort.Address();
    private ScriptedControlPlane _controlPlane = null!;
    private ProxyHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ScriptedControlPlane.StartAsync();
        _gateway = await ProxyHost.StartGatewayAsync(_controlPlane.Address, _gatewayListen);
    }

    [Fact]
    public async Task BadSnapshot_IsNacked_AndThePreviousOneKeepsServing()
    {
        _controlPlane.Push(Snapshot("1", GatewayDocument("edge.yaml", "answer from version 1")));
        var first = await _controlPlane.NextResponseAsync();
        Assert.True(first.Ack, first.ErrorDetail);
        Assert.Equal("answer from version 1", await _http.GetStringAsync($"http://{_gatewayListen}/"));

        var broken = GatewayDocument("edge.yaml", "answer from version 2");
        broken.Yaml = broken.Yaml.Replace("directResponse", "directAnswer", StringComparison.Ordinal);
        _controlPlane.Push(Snapshot("2", broken));
        var second = await _controlPlane.NextResponseAsync();

        Assert.False(second.Ack);
        Assert.Equal("2", second.Version);
        Assert.Contains("edge.yaml:", second.ErrorDetail, StringComparison.Ordinal);
        Assert.Contains("unknown field 'directAnswer'", second.ErrorDetail, StringComparison.Ordinal);
        Assert.Equal("answer from version 1", await _http.GetStringAsync($"http://{_gatewayListen}/"));
        using var dump = JsonDocument.Parse(await _http.GetStringAsync(new Uri(_gateway.AdminAddress, "/config_dump")));
        Assert.Equal("1", dump.RootElement.GetProperty("version").GetString());
        Assert.Contains(_gateway.Logs.Lines, l => l.Contains("Rejected config 2, keeping 1", StringComparison.Ordinal));
    }

    private static ConfigSnapshot Snapshot(string version, ConfigDocument document)
    {
        var snapshot = new ConfigSnapshot { Version = version, Nonce = version, Full = true };
        snapshot.Documents.Add(document);
        return snapshot;
    }

    private ConfigDocument GatewayDocument(string file, string body) => new()
    {
        Key = "VirtualService/default/edge",
        SourceFile = file,
        FirstLine = 1,
        Yaml = $$"""
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
                hosts: ["*"]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: edge
            spec:
              hosts: ["*"]
              gateways: [edge]
              http:
              - directResponse:
                  status: 200
                  body:
                    string: {{body}}
            """,
    };

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _http.Dispose();
    }
}
