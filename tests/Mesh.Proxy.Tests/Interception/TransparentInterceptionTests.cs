using System.Net;
using Mesh.Chaos.Network;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Interception;

/// <summary>
/// The cluster path for real, on two hosts in network namespaces: the init container's iptables rules (the proxy's
/// own <c>iptables</c> command) in the app's namespace, the sidecar running as uid 1337 beside a control plane, and
/// unmodified clients. An app's call to another host is captured, routed by a VirtualService and answered; a
/// peer's call to the app is captured on its way in and handed to the app. Root only.
/// </summary>
[Collection(nameof(TransparentInterceptionTests))]
public sealed class TransparentInterceptionTests : IAsyncLifetime
{
    private const string Config = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: server
        spec:
          hosts: [server.example]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 8080, name: http, protocol: HTTP}
          endpoints:
          - address: 10.251.0.2
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: server
        spec:
          hosts: [server.example]
          http:
          - match:
            - uri: {prefix: /teapot}
            fault:
              abort: {httpStatus: 418, percentage: {value: 100}}
            route:
            - destination: {host: server.example}
          - route:
            - destination: {host: server.example}
        """;

    private readonly TempDirectory _config = new();
    private NamespacedMesh? _mesh;
    private NamespacedHttpServer? _server;
    private NamespacedHttpServer? _app;

    public async Task InitializeAsync()
    {
        if (!NamespacedHosts.IsSupported(out _))
        {
            return;
        }

        _mesh = new NamespacedMesh(NamespacedHosts.Create("app", "server"));
        var (app, server) = (_mesh.Hosts.First, _mesh.Hosts.Second);
        _server = new NamespacedHttpServer(server, 8080);
        _app = new NamespacedHttpServer(app, 9080);
        _config.Write("server.yaml", Config);
        await _mesh.InterceptAsync(app);
        _mesh.StartControlPlane(app, new()
        {
            ["ControlPlane__ConfigDirectory"] = _config.Path,
            ["ControlPlane__GrpcListen"] = "127.0.0.1:15010",
            ["ControlPlane__HttpListen"] = "127.0.0.1:15014",
            // This test is about the capture; the sidecar has no token (MutualTlsInterceptionTests runs the authenticated mesh).
            ["ControlPlane__XdsAuth"] = "false",
        });
        await _mesh.StartSidecarAsync(app, new()
        {
            ["Mesh__ControlPlane"] = "http://127.0.0.1:15010",
            ["Mesh__Workload__Name"] = "app-v1",
            ["Mesh__Workload__Labels__app"] = "app",
            ["Mesh__Workload__Labels__version"] = "v1",
            ["Mesh__Inbound__0__Name"] = "http",
            ["Mesh__Inbound__0__ServicePort"] = "9080",
            ["Mesh__Inbound__0__App"] = $"{app.Address}:9080",
        });
    }

    [SkippableFact]
    public async Task Outbound_AnUnmodifiedAppsCall_IsCapturedRoutedByTheVirtualServiceAndAnswered()
    {
        var mesh = Mesh();
        using var app = mesh.Client(mesh.Hosts.First, TimeSpan.FromSeconds(10), new Dictionary<string, IPAddress> { ["server.example"] = mesh.Hosts.Second.Address });

        using var plain = await app.GetAsync(new Uri("http://server.example:8080/"));
        using var teapot = await app.GetAsync(new Uri("http://server.example:8080/teapot"));

        Assert.True(plain.StatusCode == HttpStatusCode.OK, $"{plain.StatusCode} {plain.Headers}");
        Assert.Equal("hello from server\n", await plain.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
        var stats = await app.GetStringAsync(new Uri("http://127.0.0.1:15090/stats/prometheus"));
        Assert.Contains("destination_service=\"server.example\"", stats, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Outbound_AnAppSpeakingH2cWithPriorKnowledge_IsCapturedToo()
    {
        var mesh = Mesh();
        using var app = mesh.Client(mesh.Hosts.First, TimeSpan.FromSeconds(10), new Dictionary<string, IPAddress> { ["server.example"] = mesh.Hosts.Second.Address });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://server.example:8080/teapot") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var teapot = await app.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, teapot.Version);
        Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
    }

    [SkippableFact]
    public async Task Outbound_ACallToADestinationTheMeshDoesNotKnow_PassesThrough()
    {
        var mesh = Mesh();
        using var app = mesh.Client(mesh.Hosts.First, TimeSpan.FromSeconds(10), new Dictionary<string, IPAddress> { ["elsewhere.example"] = mesh.Hosts.Second.Address });

        using var response = await app.GetAsync(new Uri("http://elsewhere.example:8080/teapot"));

        // No VirtualService applies: the server itself answers, where the mesh would have answered 418.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello from server\n", await response.Content.ReadAsStringAsync());
        var stats = await app.GetStringAsync(new Uri("http://127.0.0.1:15090/stats/prometheus"));
        Assert.Contains("destination_service_name=\"PassthroughCluster\"", stats, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Outbound_UnderRegistryOnly_ACallToADestinationTheMeshDoesNotKnow_GetsTheBlackHole()
    {
        var mesh = Mesh();
        using var app = mesh.Client(mesh.Hosts.First, TimeSpan.FromSeconds(10), new Dictionary<string, IPAddress>
        {
            ["elsewhere.example"] = mesh.Hosts.Second.Address,
            ["server.example"] = mesh.Hosts.Second.Address,
        });
        _config.Write("sidecar.yaml", "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: istio-system}\nspec:\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n");

        // The sidecar refuses once the control plane has pushed the Sidecar to it.
        var status = await Eventually.Until(async () =>
        {
            using var response = await app.GetAsync(new Uri("http://elsewhere.example:8080/"));
            return response.StatusCode;
        }, s => s == HttpStatusCode.BadGateway, "the unknown host to be refused");

        using var known = await app.GetAsync(new Uri("http://server.example:8080/"));
        Assert.Equal((HttpStatusCode.BadGateway, HttpStatusCode.OK), (status, known.StatusCode));
        var stats = await app.GetStringAsync(new Uri("http://127.0.0.1:15090/stats/prometheus"));
        Assert.Contains("destination_service_name=\"BlackHoleCluster\"", stats, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Inbound_APeersCallToTheAppsPort_IsCapturedAndHandedToTheApp()
    {
        var mesh = Mesh();
        using var peer = mesh.Client(mesh.Hosts.Second, TimeSpan.FromSeconds(10));
        using var admin = mesh.Client(mesh.Hosts.First, TimeSpan.FromSeconds(10));

        using var response = await peer.GetAsync(new Uri($"http://{mesh.Hosts.First.Address}:9080/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello from app\n", await response.Content.ReadAsStringAsync());
        var stats = await admin.GetStringAsync(new Uri("http://127.0.0.1:15090/stats/prometheus"));
        Assert.Contains("reporter=\"destination\"", stats, StringComparison.Ordinal);
    }

    /// <summary>Istio's pod layout, as an attacker in another pod meets it: stats and readiness answer, the admin listener does not.</summary>
    [SkippableFact]
    public async Task KubernetesLayout_AnotherHostReachesStatsAndHealth_ButNotTheAdminListener()
    {
        var mesh = Mesh();
        using var peer = mesh.Client(mesh.Hosts.Second, TimeSpan.FromSeconds(5));
        using var pod = mesh.Client(mesh.Hosts.First, TimeSpan.FromSeconds(5));
        var app = mesh.Hosts.First.Address;

        using var stats = await peer.GetAsync(new Uri($"http://{app}:15090/stats/prometheus"));
        using var ready = await peer.GetAsync(new Uri($"http://{app}:15021/healthz/ready"));
        var admin = await Record.ExceptionAsync(async () =>
        {
            using var dump = await peer.GetAsync(new Uri($"http://{app}:15000/config_dump"));
            Assert.Fail($"another host reached the admin listener: {dump.StatusCode}");
        });
        using var own = await pod.GetAsync(new Uri("http://127.0.0.1:15000/config_dump"));

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.IsType<HttpRequestException>(admin);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
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

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _mesh?.Hosts.Dispose();
        _config.Dispose();
    }

    private NamespacedMesh Mesh()
    {
        Skip.IfNot(NamespacedHosts.IsSupported(out var reason), reason);
        return _mesh!;
    }
}
