using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Talks to the mesh the way its security sees it: straight to a workload's inbound port (around the sidecars), over
/// HTTPS to the gateway with chosen SNI and client certificates, with JWTs, and reads the proxies' certificates.
/// </summary>
public sealed class SecurityDriver(RunningMesh mesh, ControlPlaneDriver controlPlane, HttpClient http) : IDisposable
{
    private readonly RSA _jwtKey = RSA.Create(2048);

    public TestPki Pki { get; } = new("scenario test CA");

    public TestPki ForeignPki { get; } = new("another CA");

    public int? LastStatus { get; private set; }

    public string LastBody { get; private set; } = "";

    public string? LastError { get; private set; }

    public const string JwtIssuer = "https://issuer.bookinfo.test";

    /// <summary>A workload's registered inbound address for its first port (where its sidecar listens).</summary>
    public async Task<IPEndPoint> InboundOfAsync(string workload)
    {
        using var registry = JsonDocument.Parse(await http.GetStringAsync(new Uri(mesh.ControlPlane, "/api/registry")));
        var entry = registry.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == workload);
        return new IPEndPoint(IPAddress.Parse(entry.GetProperty("address").GetString()!), entry.GetProperty("ports")[0].GetProperty("port").GetInt32());
    }

    public async Task RawPlaintextAsync(string workload, string path) =>
        Record(await TlsClient.PlaintextGetAsync(await InboundOfAsync(workload), path));

    public async Task ForeignWorkloadAsync(string workload, string path)
    {
        using var certificate = ForeignPki.Workload("spiffe://cluster.local/ns/default/sa/bookinfo-productpage");
        Record(await TlsClient.GetAsync(await InboundOfAsync(workload), "reviews", path, trust: null, certificate));
    }

    public async Task HttpsAsync(string host, string path, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, mesh.GatewayHttps.Port);
        Record(await TlsClient.GetAsync(endpoint, host, path, Pki.Ca, clientCertificate));
    }

    public async Task GatewayGetAsync(string path, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(mesh.Gateway, path));
        if (bearer is not null)
        {
            request.Headers.Add("Authorization", $"Bearer {bearer}");
        }

        using var response = await http.SendAsync(request);
        (LastStatus, LastBody, LastError) = ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), null);
    }

    /// <summary>Every proxy's current certificate serial, from its admin port.</summary>
    public async Task<IReadOnlyDictionary<string, string>> CertificateSerialsAsync()
    {
        var serials = new Dictionary<string, string>();
        foreach (var proxy in await controlPlane.ProxiesAsync())
        {
            var certs = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://{proxy.AdminAddress}/certs"));
            serials[proxy.Workload] = certs.GetProperty("serial").GetString() ?? "";
        }

        return serials;
    }

    public string Jwks()
    {
        var key = _jwtKey.ExportParameters(false);
        return JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "scenario", n = Encode(key.Modulus!), e = Encode(key.Exponent!) } } });
    }

    public string Token(string subject, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", kid = "scenario", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new { iss = JwtIssuer, sub = subject, aud = "bookinfo", exp = (now + lifetime).ToUnixTimeSeconds(), iat = now.ToUnixTimeSeconds() }));
        var signature = _jwtKey.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Encode(signature)}";
    }

    private void Record((int? Status, string Body, string? Error) outcome) => (LastStatus, LastBody, LastError) = outcome;

    private void Record((int? Status, string? Error) outcome) => (LastStatus, LastBody, LastError) = (outcome.Status, "", outcome.Error);

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _jwtKey.Dispose();
        Pki.Dispose();
        ForeignPki.Dispose();
    }
}
