using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps about identity, mutual TLS, authorization, gateway TLS, JWTs and rate limits.</summary>
[Binding]
public sealed class SecurityStepDefinitions(SecurityDriver security, MeshConfigDriver config, ControlPlaneDriver controlPlane, ProxyMetricsDriver metrics, RunningMesh mesh)
{
    private IReadOnlyDictionary<string, string> _serials = new Dictionary<string, string>();

    [Given("mutual TLS is STRICT across the mesh")]
    public async Task GivenStrict()
    {
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(2));
        await config.ApplyAsync("peer-authentication-mesh-strict.yaml");
    }

    [When("a raw client calls {string} on its inbound port without TLS")]
    public Task WhenRawPlaintext(string workload) => security.RawPlaintextAsync(workload, "/health");

    [When("a client with a certificate from another CA calls {string} on its inbound port")]
    public Task WhenForeignCa(string workload) => security.ForeignWorkloadAsync(workload, "/health");

    [Then("it is refused")]
    public void ThenRefused() => Assert.True(security.LastStatus is null, $"wanted the connection refused, but it answered {security.LastStatus}");

    [Then("it is answered {int}")]
    public void ThenAnswered(int status) =>
        Assert.True(security.LastStatus == status, $"wanted {status}, got {security.LastStatus?.ToString() ?? "no answer"} {security.LastError} {security.LastBody}");

    [Then("the answer shows {string}")]
    public void ThenTheAnswerShows(string text) => Assert.Contains(text, security.LastBody);

    [Then("traffic between the sidecars is mutual TLS")]
    public async Task ThenTrafficIsMutualTls()
    {
        var samples = await metrics.RequestSamplesSinceBaselineAsync(w => w.StartsWith("reviews-", StringComparison.Ordinal));
        var inbound = samples.Where(s => s.Has("reporter", "destination")).ToArray();
        Assert.NotEmpty(inbound);
        Assert.All(inbound, s => Assert.Equal("mutual_tls", s.Labels["connection_security_policy"]));
        Assert.All(inbound, s => Assert.StartsWith("spiffe://cluster.local/ns/default/sa/", s.Labels["source_principal"], StringComparison.Ordinal));
    }

    [When("the proxies' certificates are noted")]
    public async Task WhenCertificatesAreNoted() => _serials = await security.CertificateSerialsAsync();

    [Then("every proxy has rotated its certificate")]
    public async Task ThenEveryProxyRotated()
    {
        var now = await security.CertificateSerialsAsync();
        var stale = _serials.Where(s => now.GetValueOrDefault(s.Key) == s.Value).Select(s => s.Key).ToArray();
        Assert.True(stale.Length == 0, $"not rotated (TTL {RunningMesh.CertificateTtl.TotalSeconds} s): {string.Join(", ", stale)}");
    }

    [When("productpage is asked for ratings directly")]
    public Task WhenProductPageAsksRatings() => security.GatewayGetAsync("/api/v1/products/0/ratings", bearer: null);

    [Given("the gateway serves HTTPS with test certificates")]
    public async Task GivenGatewayHttps()
    {
        using var server = security.Pki.Server("bookinfo.example.com");
        security.Pki.WriteCredential(mesh.GatewayCredentials, "bookinfo-credential", server);
        using var secure = security.Pki.Server("secure.example.com");
        security.Pki.WriteCredential(mesh.GatewayCredentials, "secure-credential", secure);
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(2));
        await config.ApplyAsync("gateway-https.yaml");
    }

    [When("a reader opens {string} over HTTPS at {string}")]
    public Task WhenHttps(string path, string host) => security.HttpsAsync(host, path);

    [When("a client with a valid certificate opens {string} at {string}")]
    public async Task WhenValidClient(string path, string host)
    {
        using var certificate = security.Pki.Client("partner");
        await security.HttpsAsync(host, path, certificate);
    }

    [When("a client with an expired certificate opens {string} at {string}")]
    public async Task WhenExpiredClient(string path, string host)
    {
        using var certificate = security.Pki.Client("partner", expired: true);
        await security.HttpsAsync(host, path, certificate);
    }

    [When("a client with a certificate from another CA opens {string} at {string}")]
    public async Task WhenForeignClient(string path, string host)
    {
        using var certificate = security.ForeignPki.Client("intruder");
        await security.HttpsAsync(host, path, certificate);
    }

    [When("a client without a certificate opens {string} at {string}")]
    public Task WhenNoClientCertificate(string path, string host) => security.HttpsAsync(host, path);

    [Given("{string} at the gateway requires a JWT")]
    public async Task GivenJwtRequired(string pathPrefix)
    {
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(2));
        await config.ApplyTextAsync($$"""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata:
              name: gateway-jwt
              namespace: istio-system
            spec:
              selector:
                matchLabels:
                  istio: ingressgateway
              jwtRules:
              - issuer: "{{SecurityDriver.JwtIssuer}}"
                audiences: [bookinfo]
                jwks: '{{security.Jwks()}}'
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: gateway-require-jwt
              namespace: istio-system
            spec:
              selector:
                matchLabels:
                  istio: ingressgateway
              action: ALLOW
              rules:
              - from:
                - source:
                    requestPrincipals: ["{{SecurityDriver.JwtIssuer}}/*"]
                to:
                - operation:
                    paths: ["{{pathPrefix}}*"]
              - to:
                - operation:
                    notPaths: ["{{pathPrefix}}*"]
            """, "gateway-jwt.yaml");
    }

    [When("{string} is requested without a token")]
    public Task WhenNoToken(string path) => security.GatewayGetAsync(path, bearer: null);

    [When("{string} is requested with a token signed by someone else")]
    public Task WhenBadToken(string path)
    {
        var token = security.Token("mallory", TimeSpan.FromMinutes(5));
        var parts = token.Split('.');
        return security.GatewayGetAsync(path, $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}");
    }

    [When("{string} is requested with a valid token")]
    public Task WhenValidToken(string path) => security.GatewayGetAsync(path, security.Token("alice", TimeSpan.FromMinutes(5)));
}
