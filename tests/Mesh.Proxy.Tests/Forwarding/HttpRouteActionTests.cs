using System.Net;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Forwarding;

/// <summary>
/// What a matched rule does, through a real gateway proxy and real upstreams: route, redirect, rewrite, direct
/// response, header operations and CORS; and the proxy's own answers when nothing can serve (NR 404, UH 503).
/// </summary>
public sealed class HttpRouteActionTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly string _gateway = FreePort.Address();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private readonly List<IAsyncDisposable> _clients = [];
    private readonly List<IAsyncDisposable> _servers = [];

    private string Config => $$$"""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: {{{_gateway.Split(':')[1]}}}, name: http, protocol: HTTP}
            hosts: ["*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web}
        spec:
          host: web
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v9
            labels: {version: v9}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: edge}
        spec:
          hosts: ["*"]
          gateways: [edge]
          http:
          - match: [{uri: {exact: /moved}}]
            redirect: {uri: /new-home, authority: example.com, redirectCode: 308}
          - match: [{uri: {prefix: /fixed}}]
            directResponse: {status: 418, body: {string: "short and stout"}}
          - match: [{uri: {prefix: /old/}}]
            rewrite: {uri: /new/, authority: web.internal}
            route: [{destination: {host: web, subset: v1}}]
          - match: [{uri: {prefix: /headers}}]
            headers:
              request:
                set: {x-set: "route"}
                add: {x-added: "yes"}
                remove: [x-drop-me]
              response:
                remove: [x-remove-me]
                set: {x-route: "headers"}
            route:
            - destination: {host: web, subset: v1}
              headers:
                request: {set: {x-destination: v1}}
          - match: [{uri: {prefix: /cors}}]
            corsPolicy:
              allowOrigins: [{exact: "https://shop.example.com"}]
              allowMethods: [GET, POST]
              allowHeaders: [x-token]
              maxAge: 24h
            route: [{destination: {host: web, subset: v1}}]
          - match: [{uri: {prefix: /nowhere}}]
            route: [{destination: {host: web, subset: v9}}]
          - match: [{uri: {prefix: /app}}]
            route: [{destination: {host: web, subset: v1}}]
        """;

    public async Task InitializeAsync()
    {
        _config.Write("edge.yaml", Config);
        var controlPlane = await ControlPlaneHost.StartAsync(_config.Path);
        _servers.Add(controlPlane);
        var web = await HttpEchoServer.StartAsync("web-v1");
        _servers.Add(web);
        _clients.Add(RegisteredWorkload.Connect(controlPlane.GrpcAddress, RegisteredWorkload.Describe("web-v1", "web", "v1", "http", 80, web.Port)));
        _clients.Add(await ProxyHost.StartGatewayAsync(controlPlane.GrpcAddress, _gateway));
        await Eventually.Until(async () => (await _http.GetAsync(Url("/app"))).StatusCode == HttpStatusCode.OK, "the gateway to route /app");
    }

    [Fact]
    public async Task Route_ForwardsWithTheClientsHost_AndAddsARequestId()
    {
        var echoed = EchoedRequest.Parse(await _http.GetStringAsync(Url("/app/page?x=1")));

        Assert.Equal("/app/page?x=1", echoed.Path);
        Assert.Equal(_gateway, echoed.Host);
        Assert.True(Guid.TryParse(echoed.Headers["x-request-id"], out _));
        Assert.Equal("HTTP/2", echoed.Protocol);
    }

    [Fact]
    public async Task Redirect_AnswersWithLocationAndCode()
    {
        using var response = await _http.GetAsync(Url("/moved?keep=1"));

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("http://example.com/new-home?keep=1", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task DirectResponse_IsAnsweredByTheProxy()
    {
        using var response = await _http.GetAsync(Url("/fixed"));

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("short and stout", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rewrite_ReplacesTheMatchedPrefixAndTheAuthority()
    {
        var echoed = EchoedRequest.Parse(await _http.GetStringAsync(Url("/old/a/b?q=2")));

        Assert.Equal("/new/a/b?q=2", echoed.Path);
        Assert.Equal("web.internal", echoed.Host);
    }

    [Fact]
    public async Task HeaderOperations_ApplyToRequestAndResponse_RouteAndDestination()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("/headers"));
        request.Headers.Add("x-set", "client");
        request.Headers.Add("x-added", "client");
        request.Headers.Add("x-drop-me", "1");

        using var response = await _http.SendAsync(request);
        var echoed = EchoedRequest.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("route", echoed.Headers["x-set"]);
        Assert.Equal(["client", "yes"], echoed.Headers["x-added"].Split(",", StringSplitOptions.TrimEntries));
        Assert.False(echoed.Headers.ContainsKey("x-drop-me"));
        Assert.Equal("v1", echoed.Headers["x-destination"]);
        Assert.False(response.Headers.Contains("x-remove-me"));
        Assert.Equal("headers", response.Headers.GetValues("x-route").Single());
        Assert.Equal("web-v1", response.Headers.GetValues("x-served-by").Single());
    }

    [Fact]
    public async Task Cors_PreflightAnsweredByTheProxy_ActualResponseCarriesAllowOrigin()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, Url("/cors"));
        preflight.Headers.Add("Origin", "https://shop.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answer = await _http.SendAsync(preflight);

        using var actual = new HttpRequestMessage(HttpMethod.Get, Url("/cors"));
        actual.Headers.Add("Origin", "https://shop.example.com");
        using var response = await _http.SendAsync(actual);

        using var foreign = new HttpRequestMessage(HttpMethod.Get, Url("/cors"));
        foreign.Headers.Add("Origin", "https://evil.example.com");
        using var foreignResponse = await _http.SendAsync(foreign);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://shop.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("GET,POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("86400", answer.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.False(answer.Headers.Contains("x-served-by"));
        Assert.Equal("https://shop.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(foreignResponse.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task NoRoute_Is404_AndNoEndpoint_Is503()
    {
        using var unrouted = await _http.GetAsync(Url("/unknown"));
        using var empty = await _http.GetAsync(Url("/nowhere"));

        Assert.Equal(HttpStatusCode.NotFound, unrouted.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, empty.StatusCode);
        Assert.Equal("no healthy upstream", await empty.Content.ReadAsStringAsync());
    }

    private string Url(string path) => $"http://{_gateway}{path}";

    public async Task DisposeAsync()
    {
        foreach (var part in _clients.Concat(_servers.AsEnumerable().Reverse()))
        {
            await part.DisposeAsync();
        }

        _http.Dispose();
        _config.Dispose();
    }
}
