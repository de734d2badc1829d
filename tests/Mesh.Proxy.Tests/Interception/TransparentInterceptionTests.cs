using System.Diagnostics;
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

    private readonly List<Process> _processes = [];
    private readonly TempDirectory _config = new();
    private NamespacedHosts? _hosts;
    private NamespacedHttpServer? _server;
    private NamespacedHttpServer? _app;

    public async Task InitializeAsync()
    {
        if (!NamespacedHosts.IsSupported(out _))
        {
            return;
        }

        _hosts = NamespacedHosts.Create("app", "server");
        _server = new NamespacedHttpServer(_hosts.Second, 8080);
        _app = new NamespacedHttpServer(_hosts.First, 9080);
        _config.Write("server.yaml", Config);
        var bin = AppContext.BaseDirectory;
        var ns = _hosts.First.Namespace;

        // The init container: the proxy's own command installs the capture in the app's namespace.
        var init = Start(ns, null, [Path.Combine(bin, "mesh-proxy.dll"), "iptables", "--proxy-uid", "1337", "--inbound-port", "15006", "--outbound-port", "15001", "--exclude-inbound-ports", "15000"], []);
        await init.WaitForExitAsync();
        Assert.True(init.ExitCode == 0, await init.StandardOutput.ReadToEndAsync() + await init.StandardError.ReadToEndAsync());

        Start(ns, null, [Path.Combine(bin, "mesh-controlplane.dll")], new()
        {
            ["ControlPlane__ConfigDirectory"] = _config.Path,
            ["ControlPlane__GrpcListen"] = "127.0.0.1:15010",
            ["ControlPlane__HttpListen"] = "127.0.0.1:15014",
        });
        Start(ns, 1337, [Path.Combine(bin, "mesh-proxy.dll")], new()
        {
            ["Mesh__Mode"] = "Sidecar",
            ["Mesh__ControlPlane"] = "http://127.0.0.1:15010",
            ["Mesh__Admin"] = "127.0.0.1:15000",
            ["Mesh__OutboundCapture"] = "127.0.0.1:15001",
            ["Mesh__InboundCapture"] = "0.0.0.0:15006",
            ["Mesh__Workload__Name"] = "app-v1",
            ["Mesh__Workload__Address"] = _hosts.First.Address.ToString(),
            ["Mesh__Workload__Labels__app"] = "app",
            ["Mesh__Workload__Labels__version"] = "v1",
            ["Mesh__Inbound__0__Name"] = "http",
            ["Mesh__Inbound__0__ServicePort"] = "9080",
            ["Mesh__Inbound__0__App"] = $"{_hosts.First.Address}:9080",
            ["HOME"] = _config.Path,
            ["DOTNET_CLI_HOME"] = _config.Path,
        });

        using var admin = Client(_hosts.First, TimeSpan.FromSeconds(5));
        await Eventually.Until(async () =>
        {
            try
            {
                using var ready = await admin.GetAsync(new Uri("http://127.0.0.1:15000/healthz/ready"));
                return ready.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the sidecar in the app's namespace to be ready", TimeSpan.FromSeconds(60));
    }

    [SkippableFact]
    public async Task Outbound_AnUnmodifiedAppsCall_IsCapturedRoutedByTheVirtualServiceAndAnswered()
    {
        var hosts = Hosts();
        using var app = Client(hosts.First, TimeSpan.FromSeconds(10));

        using var plain = await app.GetAsync(new Uri("http://server.example:8080/"));
        using var teapot = await app.GetAsync(new Uri("http://server.example:8080/teapot"));

        Assert.True(plain.StatusCode == HttpStatusCode.OK, $"{plain.StatusCode} {plain.Headers} {await plain.Content.ReadAsStringAsync()}");
        Assert.Equal("hello from server\n", await plain.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
        var stats = await app.GetStringAsync(new Uri("http://127.0.0.1:15000/stats/prometheus"));
        Assert.Contains("destination_service=\"server.example\"", stats, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Inbound_APeersCallToTheAppsPort_IsCapturedAndHandedToTheApp()
    {
        var hosts = Hosts();
        using var peer = Client(hosts.Second, TimeSpan.FromSeconds(10));
        using var admin = Client(hosts.First, TimeSpan.FromSeconds(10));

        using var response = await peer.GetAsync(new Uri($"http://{hosts.First.Address}:9080/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello from app\n", await response.Content.ReadAsStringAsync());
        var stats = await admin.GetStringAsync(new Uri("http://127.0.0.1:15000/stats/prometheus"));
        Assert.Contains("reporter=\"destination\"", stats, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _hosts?.Dispose();
        _config.Dispose();
    }

    private NamespacedHosts Hosts()
    {
        Skip.IfNot(NamespacedHosts.IsSupported(out var reason), reason);
        return _hosts!;
    }

    /// <summary>A client whose sockets live in a host's namespace; "server.example" resolves to the server host, as DNS would.</summary>
    private HttpClient Client(NetworkHost from, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = (context, ct) => NamespacedHosts.ConnectAsync(from,
            new IPEndPoint(context.DnsEndPoint.Host == "server.example" ? _hosts!.Second.Address : IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), ct),
    }) { Timeout = timeout };

    private Process Start(string ns, int? uid, string[] arguments, Dictionary<string, string> environment)
    {
        string[] prefix = uid is { } id ? ["netns", "exec", ns, "setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups", "dotnet"] : ["netns", "exec", ns, "dotnet"];
        var start = new ProcessStartInfo("ip", [.. prefix, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        _processes.Add(process);
        return process;
    }
}
