using System.Security.Cryptography;
using System.Text.Json;

namespace Mesh.DataPlane.Security;

/// <summary>The verification keys of a JSON Web Key Set (RSA <c>n</c>/<c>e</c>, EC <c>crv</c>/<c>x</c>/<c>y</c>), by key id.</summary>
internal sealed class JsonWebKeys
{
    private readonly List<(string? Kid, AsymmetricAlgorithm Key)> _keys = [];

    public JsonWebKeys(string jwks)
    {
        using var document = JsonDocument.Parse(jwks);
        var keys = document.RootElement.TryGetProperty("keys", out var list) ? list.EnumerateArray().ToArray() : [document.RootElement];
        foreach (var key in keys)
        {
            var kid = key.TryGetProperty("kid", out var k) ? k.GetString() : null;
            switch (key.GetProperty("kty").GetString())
            {
                case "RSA":
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = Bytes(key, "n"), Exponent = Bytes(key, "e") });
                    _keys.Add((kid, rsa));
                    break;
                case "EC":
                    var curve = key.GetProperty("crv").GetString() switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        var other => throw new FormatException($"unsupported EC curve {other}"),
                    };
                    _keys.Add((kid, ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = Bytes(key, "x"), Y = Bytes(key, "y") } })));
                    break;
            }
        }
    }

    /// <summary>The keys to try: the one with the token's kid, else every key.</summary>
    public IEnumerable<AsymmetricAlgorithm> For(string? kid) =>
        kid is not null && _keys.Any(k => k.Kid == kid) ? _keys.Where(k => k.Kid == kid).Select(k => k.Key) : _keys.Select(k => k.Key);

    private static byte[] Bytes(JsonElement key, string name) =>
        JwtEncoding.Decode(key.GetProperty(name).GetString() ?? throw new FormatException($"JWK field {name} is empty"));
}
