using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mesh.Config;
using Mesh.DataPlane.Security;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.DataPlane.Tests.Security;

public sealed class JwtAuthenticatorTests : IDisposable
{
    private const string Issuer = "https://issuer.example.com";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private string Jwks()
    {
        var rsa = _rsa.ExportParameters(false);
        var ec = _ec.ExportParameters(false);
        return JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "RSA", kid = "rsa-1", n = JwtEncoding.Encode(rsa.Modulus), e = JwtEncoding.Encode(rsa.Exponent) },
                new { kty = "EC", kid = "ec-1", crv = "P-256", x = JwtEncoding.Encode(ec.Q.X), y = JwtEncoding.Encode(ec.Q.Y) },
            },
        });
    }

    private JwtAuthenticator Authenticator(string extra = "")
    {
        var yaml = $$"""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: jwt}
            spec:
              jwtRules:
              - issuer: "{{Issuer}}"
                audiences: [bookinfo]
                jwks: '{{Jwks()}}'
            {{extra}}
            """;
        var loaded = ConfigLoader.LoadText(yaml, "jwt.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Findings));
        return JwtAuthenticator.Build(new ConfigSet(loaded.Resources).RequestAuthentications, Mesh.Workload("productpage-v1", "productpage", "v1"));
    }

    private string Token(string alg = "RS256", string issuer = Issuer, string audience = "bookinfo", TimeSpan? expiresIn = null, TimeSpan? notBefore = null, Dictionary<string, object>? extraClaims = null)
    {
        var now = _time.GetUtcNow();
        var header = JwtEncoding.Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg, kid = alg.StartsWith("ES", StringComparison.Ordinal) ? "ec-1" : "rsa-1" }));
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["sub"] = "alice",
            ["aud"] = audience,
            ["group"] = "readers",
            ["exp"] = (now + (expiresIn ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
            ["nbf"] = (now + (notBefore ?? TimeSpan.Zero)).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in extraClaims ?? [])
        {
            claims[name] = value;
        }

        var payload = JwtEncoding.Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var data = Encoding.ASCII.GetBytes($"{header}.{payload}");
        var signature = alg == "ES256" ? _ec.SignData(data, HashAlgorithmName.SHA256) : _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{JwtEncoding.Encode(signature)}";
    }

    private JwtResult Authenticate(JwtAuthenticator authenticator, string? bearer = null, Dictionary<string, string>? headers = null, Dictionary<string, string>? query = null)
    {
        headers ??= [];
        if (bearer is not null)
        {
            headers["Authorization"] = $"Bearer {bearer}";
        }

        return authenticator.Authenticate(n => headers.GetValueOrDefault(n), n => query?.GetValueOrDefault(n), _time);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public void ValidToken_GivesThePrincipalClaimsAndStripsTheToken(string alg)
    {
        var result = Authenticate(Authenticator(), Token(alg));

        Assert.Equal(JwtOutcome.Valid, result.Outcome);
        Assert.Equal($"{Issuer}/alice", result.Principal);
        Assert.Equal(["readers"], result.Claims["group"]);
        Assert.Equal(["bookinfo"], result.Audiences);
        Assert.Equal(["Authorization"], result.HeadersToRemove);
    }

    [Fact]
    public void NoToken_IsNotAnError() => Assert.Equal(JwtOutcome.NoToken, Authenticate(Authenticator()).Outcome);

    [Fact]
    public void Expired_NotYetValid_WrongAudience_UnknownIssuer_BadSignature_AreInvalid()
    {
        var authenticator = Authenticator();
        var good = Token();
        var forged = good[..^4] + (good[^4..] == "AAAA" ? "BBBB" : "AAAA");

        Assert.Contains("expired", Authenticate(authenticator, Token(expiresIn: TimeSpan.FromMinutes(-5))).Error);
        Assert.Contains("not yet valid", Authenticate(authenticator, Token(notBefore: TimeSpan.FromMinutes(5))).Error);
        Assert.Contains("Audiences", Authenticate(authenticator, Token(audience: "someone-else")).Error);
        Assert.Contains("issuer", Authenticate(authenticator, Token(issuer: "https://evil.example.com")).Error);
        Assert.Equal(JwtOutcome.Invalid, Authenticate(authenticator, forged).Outcome);
        Assert.Equal(JwtOutcome.Valid, Authenticate(authenticator, Token(expiresIn: TimeSpan.FromSeconds(-30))).Outcome);
    }

    [Theory]
    [InlineData("only.two")]
    [InlineData("a.b.c")]
    [InlineData("e30.bm90IGpzb24.AAAA")]
    public void Malformed_IsInvalid(string token) => Assert.Equal(JwtOutcome.Invalid, Authenticate(Authenticator(), token).Outcome);

    [Fact]
    public void CustomHeaderWithPrefix_QueryParameter_ClaimHeaders_AndForwarding()
    {
        var authenticator = Authenticator("""
                fromHeaders: [{name: x-jwt, prefix: "Token "}]
                fromParams: [jwt]
                outputClaimToHeaders: [{header: x-user-group, claim: group}]
                forwardOriginalToken: true
            """);

        var fromHeader = Authenticate(authenticator, headers: new() { ["x-jwt"] = $"Token {Token()}" });
        var fromQuery = Authenticate(authenticator, query: new() { ["jwt"] = Token() });

        Assert.Equal(JwtOutcome.Valid, fromHeader.Outcome);
        Assert.Equal(JwtOutcome.Valid, fromQuery.Outcome);
        Assert.Contains(KeyValuePair.Create("x-user-group", "readers"), fromHeader.OutputHeaders);
        Assert.Empty(fromHeader.HeadersToRemove);
        Assert.Equal(JwtOutcome.NoToken, Authenticate(authenticator, Token()).Outcome);
    }

    [Fact]
    public void FromCookies_AndSpaceDelimitedClaims()
    {
        var authenticator = Authenticator("""
                fromCookies: [session]
                spaceDelimitedClaims: [roles]
            """);
        var token = Token(extraClaims: new() { ["scope"] = "read write", ["roles"] = "admin ops", ["group"] = "a b" });

        var result = Authenticate(authenticator, headers: new() { ["cookie"] = $"theme=dark; session={token}" });

        Assert.Equal(JwtOutcome.Valid, result.Outcome);
        Assert.Equal(["read", "write"], result.Claims["scope"]); // scope and permission always are
        Assert.Equal(["admin", "ops"], result.Claims["roles"]);
        Assert.Equal(["a b"], result.Claims["group"]);
        Assert.Equal(JwtOutcome.NoToken, Authenticate(authenticator, token).Outcome); // a named place replaces the default header
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
    }
}
