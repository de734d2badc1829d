using System.Net.Security;
using System.Net.Sockets;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Tls;

/// <summary>Ordinary client behaviour is not an error: it logs no error-level line and no stack trace.</summary>
public sealed class QuietErrorTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly string _tlsListen = FreePort.Address();
    private ControlPlaneHost _controlPlane = null!;
    private ProxyHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _gateway = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:Mode"] = "Gateway",
            ["Mesh:ControlPlane"] = _controlPlane.GrpcAddress.ToString(),
            ["Mesh:Workload:Name"] = "istio-ingressgateway",
            ["Mesh:Workload:Labels:istio"] = "ingressgateway",
            ["Mesh:GatewayTlsListen:0"] = _tlsListen,
        });
        using var http = new HttpClient();
        await Eventually.Until(() => http.GetAsync(new Uri(_gateway.AdminAddress, "/healthz/ready")), r => r.IsSuccessStatusCode, "the gateway to have its config");
    }

    [Fact]
    public async Task TlsHandshake_OnAPortNoGatewayServerServes_IsRefused_WithoutAnErrorOrAStackTrace()
    {
        var endpoint = System.Net.IPEndPoint.Parse(_tlsListen);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        await using var tls = new SslStream(tcp.GetStream());

        await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "bookinfo.example",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }));

        // The refusal is logged once, as information; by then any error it caused would have been logged too.
        await Eventually.Until(() => Task.FromResult(_gateway.Logs.Lines.Any(l => l.Contains("for SNI bookinfo.example refused", StringComparison.Ordinal))),
            seen => seen, "the refusal to be logged");
        Assert.DoesNotContain(_gateway.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _config.Dispose();
    }
}
