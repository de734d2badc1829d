using System.Net;
using Mesh.Security;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Tls;

/// <summary>
/// The client side of mTLS checks who answers: a sidecar with a valid mesh certificate of another identity cannot serve
/// a destination whose endpoints run as someone else (Envoy's UF), unless the DestinationRule's subjectAltNames name it.
/// Real sidecars, a real CA, real TLS.
/// </summary>
public sealed class ServerIdentityTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private readonly byte[] _tokenKey = "the key the app host signs service-account tokens with"u8.ToArray();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
    private readonly string _serverInbound = FreePort.Address();
    private readonly string _clientToServer = FreePort.Address();
    private readonly string _clientToImpostor = FreePort.Address();
    private ControlPlaneHost _controlPlane = null!;
    private HttpEchoServer _app = null!;
    private ProxyHost _server = null!;
    private ProxyHost _client = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path, settings: new Dictionary<string, string?>
        {
            ["ControlPlane:TokenKey"] = Convert.ToBase64String(_tokenKey),
            ["ControlPlane:XdsAuth"] = "true",
        });
        _app = await HttpEchoServer.StartAsync("details-v1", http2: false);
        _server = await ProxyHost.StartAsync(Sidecar("details", new()
        {
            ["Mesh:Inbound:0:Name"] = "http",
            ["Mesh:Inbound:0:ServicePort"] = "9080",
            ["Mesh:Inbound:0:Listen"] = _serverInbound,
            ["Mesh:Inbound:0:App"] = $"127.0.0.1:{_app.Port}",
        }));
        _client = await ProxyHost.StartAsync(Sidecar("productpage", new()
        {
            ["Mesh:Outbound:0:Service"] = "details",
            ["Mesh:Outbound:0:Port"] = "9080",
            ["Mesh:Outbound:0:Listen"] = _clientToServer,
            ["Mesh:Outbound:1:Service"] = "reviews.default.svc.cluster.local",
            ["Mesh:Outbound:1:Port"] = "9080",
            ["Mesh:Outbound:1:Listen"] = _clientToImpostor,
            ["Mesh:ResponseFlagsHeader"] = "true",
        }));
    }

    [Fact]
    public async Task TheEndpointsOwnIdentity_IsServed() =>
        await Eventually.Until(() => GetAsync(_clientToServer), r => r.Status == HttpStatusCode.OK, "details through both sidecars over mTLS");

    [Fact]
    public async Task AValidCertificateOfAnotherIdentity_IsRefusedAtTheConnection()
    {
        await Eventually.Until(() => GetAsync(_clientToServer), r => r.Status == HttpStatusCode.OK, "the mesh to be up");
        _config.Write("impostor.yaml", Impostor(subjectAltNames: null));

        // reviews' endpoint is details' sidecar: a real mesh certificate, but for bookinfo-details, not bookinfo-reviews.
        var refused = await Eventually.Until(() => GetAsync(_clientToImpostor), r => r.Flags.Split(',').Contains("UF"), "the impostor to be refused (UF)");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Contains("the upstream is spiffe://cluster.local/ns/default/sa/bookinfo-details, not spiffe://cluster.local/ns/default/sa/bookinfo-reviews", refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestinationRuleSubjectAltNames_NameWhoMayServe()
    {
        await Eventually.Until(() => GetAsync(_clientToServer), r => r.Status == HttpStatusCode.OK, "the mesh to be up");
        _config.Write("impostor.yaml", Impostor(subjectAltNames: "spiffe://cluster.local/ns/default/sa/bookinfo-details"));

        var served = await Eventually.Until(() => GetAsync(_clientToImpostor), r => r.Status == HttpStatusCode.OK, "the named identity to be accepted");

        Assert.Equal("", served.Flags.Replace("-", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("spiffe://cluster.local/ns/default/sa/bookinfo-details", true)]
    [InlineData("spiffe://cluster.local/ns/default/sa/bookinfo-reviews", false)]
    [InlineData("spiffe://cluster.local/ns/other/sa/bookinfo-details", false)]
    public void Matches_ComparesTheCertificatesSpiffeId(string expected, bool matches)
    {
        using var authority = CertificateAuthority.LoadOrCreate(new CertificateAuthorityOptions { TrustDomain = "cluster.local" }, TimeProvider.System);
        var identity = new SpiffeId("cluster.local", "default", "bookinfo-details");
        var (key, csr) = WorkloadCertificates.CreateSigningRequest(identity);
        using var certificate = WorkloadCertificates.WithPrivateKey(authority.Sign(csr, identity).CertificateChainPem, key);

        Assert.Equal(matches, Mesh.Proxy.Tls.ServerIdentity.Matches(certificate, [expected], out var presented));
        Assert.Equal(identity.ToString(), presented);
    }

    private string ServerInboundPort => _serverInbound.Split(':')[1];

    private string Impostor(string? subjectAltNames) => $$$"""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - address: 127.0.0.1
            serviceAccount: bookinfo-reviews
            ports: {http: {{{ServerInboundPort}}}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews.default.svc.cluster.local
          trafficPolicy:
            tls:
              mode: ISTIO_MUTUAL
        {{{(subjectAltNames is null ? "" : $"      subjectAltNames: [\"{subjectAltNames}\"]\n")}}}
        """;

    private Dictionary<string, string?> Sidecar(string app, Dictionary<string, string?> ports)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mesh:Mode"] = "Sidecar",
            ["Mesh:ControlPlane"] = _controlPlane.GrpcAddress.ToString(),
            ["Mesh:Workload:Name"] = $"{app}-v1",
            ["Mesh:Workload:ServiceAccount"] = $"bookinfo-{app}",
            ["Mesh:Workload:Labels:app"] = app,
            ["Mesh:Workload:Labels:version"] = "v1",
            ["Mesh:ServiceAccountToken"] = ServiceAccountTokens.Issue(_tokenKey, "default", $"bookinfo-{app}", TimeSpan.FromHours(1), TimeProvider.System,
                new BoundWorkload($"{app}-v1.default", $"{app}-v1", new Dictionary<string, string> { ["app"] = app, ["version"] = "v1" })),
        };
        foreach (var (key, value) in ports)
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task<(HttpStatusCode Status, string Flags, string Body)> GetAsync(string listener)
    {
        using var response = await _http.GetAsync($"http://{listener}/details/0");
        return (response.StatusCode, response.Headers.TryGetValues("x-mesh-response-flags", out var flags) ? flags.Single() : "", await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _config.Dispose();
    }
}
