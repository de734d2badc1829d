using System.Text.Json;
using Mesh.Contracts.Discovery;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Discovery;

/// <summary>
/// One bad resource never freezes a proxy: it keeps that resource's last good version, applies the rest, and names what
/// it could not use in its ACK. A snapshot it cannot apply at all is NACKed, and the one it had keeps serving.
/// </summary>
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
    public async Task UnreadableResource_KeepsItsLastGoodVersion_TheRestApplies_AndTheAckNamesIt()
    {
        _controlPlane.Push(Snapshot("1", GatewayDocument("edge.yaml", "answer from version 1")));
        var first = await _controlPlane.NextResponseAsync();
        Assert.True(first.Ack, first.ErrorDetail);
        Assert.Equal("answer from version 1", await _http.GetStringAsync($"http://{_gatewayListen}/"));

        var broken = GatewayDocument("edge.yaml", "answer from version 2");
        broken.Yaml = broken.Yaml.Replace("directResponse", "directAnswer", StringComparison.Ordinal);
        _controlPlane.Push(Snapshot("2", broken, Other("answer from the other one")));
        var second = await _controlPlane.NextResponseAsync();

        Assert.True(second.Ack, second.ErrorDetail);
        Assert.Equal("2", second.Version);
        var rejected = Assert.Single(second.RejectedResources);
        Assert.StartsWith("VirtualService/default/edge: edge.yaml:", rejected, StringComparison.Ordinal);
        Assert.Contains("unknown field 'directAnswer'", rejected, StringComparison.Ordinal);
        Assert.Contains("last good version is kept", rejected, StringComparison.Ordinal);
        Assert.Equal("answer from version 1", await _http.GetStringAsync($"http://{_gatewayListen}/"));
        using var other = new HttpRequestMessage(HttpMethod.Get, $"http://{_gatewayListen}/") { Headers = { Host = "other.example" } };
        Assert.Equal("answer from the other one", await (await _http.SendAsync(other)).Content.ReadAsStringAsync());
        using var dump = JsonDocument.Parse(await _http.GetStringAsync(new Uri(_gateway.AdminAddress, "/config_dump")));
        Assert.Equal("2", dump.RootElement.GetProperty("version").GetString());
        Assert.Contains("VirtualService/default/edge", dump.RootElement.GetProperty("rejected")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeltaOnAVersionTheProxyDoesNotHave_IsNacked_AndThePreviousOneKeepsServing()
    {
        _controlPlane.Push(Snapshot("1", GatewayDocument("edge.yaml", "answer from version 1")));
        Assert.True((await _controlPlane.NextResponseAsync()).Ack);

        var delta = new ConfigSnapshot { Version = "3", Nonce = "3", Full = false, BaseVersion = "2" };
        delta.Documents.Add(GatewayDocument("edge.yaml", "answer from version 3"));
        _controlPlane.Push(delta);
        var answer = await _controlPlane.NextResponseAsync();

        Assert.False(answer.Ack);
        Assert.Contains("based on 2", answer.ErrorDetail, StringComparison.Ordinal);
        Assert.Equal("answer from version 1", await _http.GetStringAsync($"http://{_gatewayListen}/"));
        Assert.Contains(_gateway.Logs.Lines, l => l.Contains("Rejected config 3, keeping 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GatewayServerWithAnUnreadableCredential_IsLeftOut_AndTheGatewaysOtherServersServe()
    {
        using var credentials = new TempDirectory();
        var tlsListen = FreePort.Address();
        await using var controlPlane = await ScriptedControlPlane.StartAsync();
        await using var gateway = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:Mode"] = "Gateway",
            ["Mesh:ControlPlane"] = controlPlane.Address.ToString(),
            ["Mesh:Workload:Name"] = "edge-gateway",
            ["Mesh:Workload:Labels:istio"] = "ingressgateway",
            ["Mesh:GatewayListen:0"] = _secondListen,
            ["Mesh:GatewayTlsListen:0"] = tlsListen,
            ["Mesh:CredentialsDirectory"] = credentials.Path,
        });
        var plain = GatewayDocument("edge.yaml", "plain still works", _secondListen);
        plain.Yaml = plain.Yaml.Replace("\n    hosts: [\"*\"]\n", $"\n    hosts: [\"*\"]\n  - port: {{number: {tlsListen.Split(':')[1]}, name: https, protocol: HTTPS}}\n    hosts: [\"*\"]\n    tls: {{mode: SIMPLE, credentialName: missing-secret}}\n", StringComparison.Ordinal);
        Assert.Contains("missing-secret", plain.Yaml, StringComparison.Ordinal);

        controlPlane.Push(Snapshot("1", plain));
        var answer = await controlPlane.NextResponseAsync();

        Assert.True(answer.Ack, answer.ErrorDetail);
        var rejected = Assert.Single(answer.RejectedResources);
        Assert.StartsWith("Gateway/default/edge server at edge.yaml:", rejected, StringComparison.Ordinal);
        Assert.Contains("missing-secret", rejected, StringComparison.Ordinal);
        Assert.Equal("plain still works", await _http.GetStringAsync($"http://{_secondListen}/"));
    }

    private static ConfigDocument Other(string body) => new()
    {
        Key = "VirtualService/default/other",
        SourceFile = "other.yaml",
        FirstLine = 1,
        Yaml = $$"""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: other
            spec:
              hosts: [other.example]
              gateways: [edge]
              http:
              - directResponse:
                  status: 200
                  body:
                    string: {{body}}
            """,
    };

    private static ConfigSnapshot Snapshot(string version, params ConfigDocument[] documents)
    {
        var snapshot = new ConfigSnapshot { Version = version, Nonce = version, Full = true };
        snapshot.Documents.AddRange(documents);
        return snapshot;
    }

    private readonly string _secondListen = FreePort.Address();

    private ConfigDocument GatewayDocument(string file, string body, string? listen = null) => new()
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
                  number: {{(listen ?? _gatewayListen).Split(':')[1]}}
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
