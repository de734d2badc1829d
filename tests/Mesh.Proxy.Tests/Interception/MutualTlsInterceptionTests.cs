using System.Net;
using Mesh.Chaos.Network;
using Mesh.Security;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Interception;

/// <summary>
/// Two meshed hosts with the capture on both and identities from the control plane's CA: the client app's plain
/// call to <c>server:8080</c> leaves through its sidecar, crosses to the server's namespace as mutual TLS, is
/// captured on the way in by the server's sidecar (whose PeerAuthentication is STRICT) and reaches the server app.
/// Root only.
/// </summary>
[Collection(nameof(TransparentInterceptionTests))]
public sealed class MutualTlsInterceptionTests : IAsyncLifetime
{
    private const string Config = """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: default
          namespace: istio-system
        spec:
          mtls:
            mode: STRICT
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: server
        spec:
          hosts: [server]
          http:
          - match:
            - uri: {prefix: /teapot}
            fault:
              abort: {httpStatus: 418, percentage: {value: 100}}
            route:
            - destination: {host: server}
          - route:
            - destination: {host: server}
        """;

    private readonly TempDirectory _config = new();
    private readonly byte[] _tokenKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private NamespacedMesh? _mesh;
    private NamespacedHttpServer? _server;

    public async Task InitializeAsync()
    {
        if (!NamespacedHosts.IsSupported(out _))
        {
            return;
        }

        _mesh = new NamespacedMesh(NamespacedHosts.Create("client", "server"));
        var (client, server) = (_mesh.Hosts.First, _mesh.Hosts.Second);
        _server = new NamespacedHttpServer(server, 8080);
        _config.Write("mesh.yaml", Config);

        // The control plane runs in the client's namespace; the server's sidecar reaches it across the link.
        await _mesh.InterceptAsync(client, excludeInboundPorts: "15090,15021,15010");
        await _mesh.InterceptAsync(server);
        _mesh.StartControlPlane(client, new()
        {
            ["ControlPlane__ConfigDirectory"] = _config.Path,
            ["ControlPlane__GrpcListen"] = "0.0.0.0:15010",
            ["ControlPlane__HttpListen"] = "127.0.0.1:15014",
            ["ControlPlane__TokenKey"] = Convert.ToBase64String(_tokenKey),
        });
        await _mesh.StartSidecarAsync(client, Sidecar("client", "http://127.0.0.1:15010"));
        var serverSidecar = Sidecar("server", $"http://{client.Address}:15010");
        serverSidecar["Mesh__Inbound__0__Name"] = "http";
        serverSidecar["Mesh__Inbound__0__ServicePort"] = "8080";
        serverSidecar["Mesh__Inbound__0__App"] = $"{server.Address}:8080";
        await _mesh.StartSidecarAsync(server, serverSidecar);
    }

    [SkippableFact]
    public async Task PlainCallBetweenApps_TravelsAsMutualTlsThroughBothCaptures()
    {
        Skip.IfNot(NamespacedHosts.IsSupported(out var reason), reason);
        var mesh = _mesh!;
        using var app = mesh.Client(mesh.Hosts.First, TimeSpan.FromSeconds(10), new Dictionary<string, IPAddress> { ["server"] = mesh.Hosts.Second.Address });
        using var serverAdmin = mesh.Client(mesh.Hosts.Second, TimeSpan.FromSeconds(10));

        var answered = await Eventually.Until(async () =>
        {
            using var response = await app.GetAsync(new Uri("http://server:8080/"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode == HttpStatusCode.OK, "the server's endpoint to reach the client's sidecar");
        using var teapot = await app.GetAsync(new Uri("http://server:8080/teapot"));

        Assert.Equal("hello from server\n", answered.Item2);
        Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
        var stats = await serverAdmin.GetStringAsync(new Uri("http://127.0.0.1:15090/stats/prometheus"));
        Assert.Contains(stats.Split('\n'), line => line.StartsWith("istio_requests_total{", StringComparison.Ordinal) &&
            line.Contains("reporter=\"destination\"", StringComparison.Ordinal) &&
            line.Contains("connection_security_policy=\"mutual_tls\"", StringComparison.Ordinal) &&
            line.Contains("source_principal=\"spiffe://cluster.local/ns/default/sa/client\"", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        if (_mesh is not null)
        {
            await _mesh.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _mesh?.Hosts.Dispose();
        _config.Dispose();
    }

    private Dictionary<string, string> Sidecar(string app, string controlPlane) => new()
    {
        ["Mesh__ControlPlane"] = controlPlane,
        ["Mesh__Workload__Name"] = $"{app}-v1",
        ["Mesh__Workload__ServiceAccount"] = app,
        ["Mesh__Workload__Labels__app"] = app,
        ["Mesh__Workload__Labels__version"] = "v1",
        ["Mesh__ServiceAccountToken"] = ServiceAccountTokens.Issue(_tokenKey, "default", app, TimeSpan.FromHours(1), TimeProvider.System),
    };
}
