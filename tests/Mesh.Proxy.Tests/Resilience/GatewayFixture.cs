using Mesh.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Tests.Resilience;

/// <summary>
/// A control plane, a gateway with the debugging response-flags header on, and named backends registered as
/// workloads of the service <c>web</c> (label <c>version</c> = the backend's name), for one test.
/// </summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private readonly TempDirectory _config = new();
    private readonly List<IAsyncDisposable> _clients = [];
    private readonly List<IAsyncDisposable> _servers = [];
    private ControlPlaneHost _controlPlane = null!;

    public string Gateway { get; } = FreePort.Address();

    /// <summary>The gateway itself: its admin address (stats, config dump) and its log lines.</summary>
    public ProxyHost Proxy { get; private set; } = null!;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public Dictionary<string, HttpEchoServer> Backends { get; } = [];

    public static async Task<GatewayFixture> StartAsync(string rules, params (string Name, Func<int, HttpContext, Task<bool>>? Behavior)[] backends)
    {
        var fixture = new GatewayFixture();
        fixture._config.Write("edge.yaml", fixture.Edge() + rules);
        fixture._controlPlane = await ControlPlaneHost.StartAsync(fixture._config.Path);
        fixture._servers.Add(fixture._controlPlane);
        foreach (var (name, behavior) in backends)
        {
            var server = await HttpEchoServer.StartAsync(name, behavior: behavior);
            fixture.Backends[name] = server;
            fixture._servers.Add(server);
            fixture._clients.Add(RegisteredWorkload.Connect(fixture._controlPlane.GrpcAddress, RegisteredWorkload.Describe(name, "web", name, "http", 80, server.Port)));
        }

        fixture.Proxy = await ProxyHost.StartGatewayAsync(fixture._controlPlane.GrpcAddress, fixture.Gateway, responseFlagsHeader: true);
        fixture._clients.Add(fixture.Proxy);
        // Ready when the gateway has the routes (no NR) and every backend's endpoint (no UH): not necessarily a 200.
        await Eventually.Until(async () =>
        {
            var (status, flags, _) = await fixture.GetAsync("/ready");
            var ready = status != 404 && !flags.Contains("NR", StringComparison.Ordinal) && !flags.Contains("UH", StringComparison.Ordinal) &&
                await fixture.AllEndpointsKnownAsync();
            return (ready, $"{status} {flags}");
        }, r => r.ready, "the gateway to route to every backend");
        foreach (var backend in fixture.Backends.Values)
        {
            backend.ResetCount();
        }

        return fixture;
    }

    /// <summary>Adds or replaces a file in the control plane's config folder (the control plane watches it).</summary>
    public void WriteConfig(string file, string yaml) => _config.Write(file, yaml);

    public string Url(string path) => $"http://{Gateway}{path}";

    private async Task<bool> AllEndpointsKnownAsync()
    {
        using var admin = _controlPlane.AdminClient();
        var registry = await admin.GetStringAsync("/api/registry");
        return Backends.Keys.All(name => registry.Contains($"\"name\":\"{name}\"", StringComparison.Ordinal));
    }

    public async Task<(int Status, string Flags, string Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(Url(path));
        var flags = response.Headers.TryGetValues("x-mesh-response-flags", out var values) ? values.Single() : "";
        return ((int)response.StatusCode, flags, await response.Content.ReadAsStringAsync());
    }

    private string Edge() => $$"""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: {{Gateway.Split(':')[1]}}, name: http, protocol: HTTP}
            hosts: ["*"]
        ---

        """;

    public async ValueTask DisposeAsync()
    {
        foreach (var part in _clients.Concat(_servers.AsEnumerable().Reverse()))
        {
            await part.DisposeAsync();
        }

        Http.Dispose();
        _config.Dispose();
    }
}
