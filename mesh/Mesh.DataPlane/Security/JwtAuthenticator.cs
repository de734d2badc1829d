using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mesh.Config.Model.Security;
using Mesh.Config.Registry;

namespace Mesh.DataPlane.Security;

/// <summary>
/// Istio's RequestAuthentication for one workload: finds a token where a rule says (by default
/// <c>Authorization: Bearer</c> or the <c>access_token</c> query parameter), picks the rule by the token's issuer,
/// checks the signature against the rule's inline <c>jwks</c>, the audiences and the validity times (60 s skew, as
/// Envoy). No token is not an error: an AuthorizationPolicy requiring <c>requestPrincipals</c> decides then.
/// </summary>
/// <remarks><c>jwksUri</c> is not fetched (the mesh reaches no network beyond its own); such a rule cannot validate.</remarks>
public sealed class JwtAuthenticator
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);

    private readonly (JwtRule Rule, JsonWebKeys? Keys, string? KeyError)[] _rules;

    private JwtAuthenticator((JwtRule, JsonWebKeys?, string?)[] rules) => _rules = rules;

    public static JwtAuthenticator Empty { get; } = new([]);

    public bool IsEmpty => _rules.Length == 0;

    public static JwtAuthenticator Build(IEnumerable<RequestAuthentication> policies, Workload workload, string rootNamespace = "istio-system")
    {
        ArgumentNullException.ThrowIfNull(policies);
        var rules = policies.Where(p => AuthorizationEngine.Applies(p.Namespace, p.Selector, workload, rootNamespace))
            .SelectMany(p => p.JwtRules)
            .Select(rule => rule.Jwks is { } jwks ? Keys(rule, jwks) : (rule, null, "the rule has no inline jwks (jwksUri is not fetched)"))
            .ToArray();
        return new JwtAuthenticator(rules);
    }

    public JwtResult Authenticate(Func<string, string?> header, Func<string, string?> query, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(query);
        foreach (var (rule, keys, keyError) in _rules)
        {
            if (Locate(rule, header, query) is not { } found)
            {
                continue;
            }

            var parts = found.Token.Split('.');
            if (parts.Length != 3)
            {
                return JwtResult.Invalid("Jwt is not in the form of Header.Payload.Signature");
            }

            JsonDocument header64, payload;
            try
            {
                header64 = JsonDocument.Parse(JwtEncoding.Decode(parts[0]));
                payload = JsonDocument.Parse(JwtEncoding.Decode(parts[1]));
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return JwtResult.Invalid($"Jwt header or payload is not base64url JSON: {e.Message}");
            }

            using (header64)
            using (payload)
            {
                var issuer = payload.RootElement.TryGetProperty("iss", out var iss) ? iss.GetString() : null;
                var matching = _rules.FirstOrDefault(r => r.Rule.Issuer == issuer);
                if (matching.Rule is null)
                {
                    return JwtResult.Invalid($"Jwt issuer '{issuer}' is not configured");
                }

                return Validate(matching.Rule, matching.Keys, matching.KeyError, parts, header64.RootElement, payload.RootElement, found.Header, time);
            }
        }

        return JwtResult.NoToken;
    }

    private static JwtResult Validate(JwtRule rule, JsonWebKeys? keys, string? keyError, string[] parts, JsonElement header, JsonElement payload, string? tokenHeader, TimeProvider time)
    {
        if (keys is null)
        {
            return JwtResult.Invalid($"Jwks for issuer {rule.Issuer} cannot be used: {keyError}");
        }

        var algorithm = header.TryGetProperty("alg", out var alg) ? alg.GetString() : null;
        var kid = header.TryGetProperty("kid", out var k) ? k.GetString() : null;
        byte[] signature;
        try
        {
            signature = JwtEncoding.Decode(parts[2]);
        }
        catch (FormatException)
        {
            return JwtResult.Invalid("Jwt signature is not base64url");
        }

        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (!keys.For(kid).Any(key => Verify(algorithm, key, signed, signature)))
        {
            return JwtResult.Invalid("Jwt verification fails");
        }

        var now = time.GetUtcNow();
        if (payload.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var expires) && DateTimeOffset.FromUnixTimeSeconds(expires) + Skew < now)
        {
            return JwtResult.Invalid("Jwt is expired");
        }

        if (payload.TryGetProperty("nbf", out var nbf) && nbf.TryGetInt64(out var notBefore) && DateTimeOffset.FromUnixTimeSeconds(notBefore) - Skew > now)
        {
            return JwtResult.Invalid("Jwt is not yet valid");
        }

        var claims = Claims(payload);
        SplitSpaceDelimited(claims, rule.SpaceDelimitedClaims);
        var audiences = claims.TryGetValue("aud", out var aud) ? aud : [];
        if (rule.Audiences.Count > 0 && !audiences.Any(rule.Audiences.Contains))
        {
            return JwtResult.Invalid("Audiences in Jwt are not allowed");
        }

        var subject = claims.TryGetValue("sub", out var sub) ? sub.FirstOrDefault() : null;
        var output = rule.OutputClaimToHeaders
            .Where(o => claims.ContainsKey(o.Claim))
            .Select(o => KeyValuePair.Create(o.Header, string.Join(',', claims[o.Claim])))
            .ToList();
        if (rule.OutputPayloadToHeader is { } payloadHeader)
        {
            output.Add(KeyValuePair.Create(payloadHeader, parts[1]));
        }

        return new JwtResult(JwtOutcome.Valid, $"{rule.Issuer}/{subject}", claims, audiences,
            claims.TryGetValue("azp", out var azp) ? azp.FirstOrDefault() : null, null, output,
            rule.ForwardOriginalToken || tokenHeader is null ? [] : [tokenHeader]);
    }

    private static bool Verify(string? algorithm, System.Security.Cryptography.AsymmetricAlgorithm key, byte[] data, byte[] signature)
    {
        try
        {
            return (algorithm, key) switch
            {
                ("RS256", RSA rsa) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                ("RS384", RSA rsa) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
                ("RS512", RSA rsa) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
                ("PS256", RSA rsa) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
                ("ES256", ECDsa ec) => ec.VerifyData(data, signature, HashAlgorithmName.SHA256),
                ("ES384", ECDsa ec) => ec.VerifyData(data, signature, HashAlgorithmName.SHA384),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Claims as strings: numbers and booleans in their JSON text, arrays as lists, objects as JSON (and flattened with dots).</summary>
    private static Dictionary<string, IReadOnlyList<string>> Claims(JsonElement payload, string prefix = "")
    {
        var claims = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var property in payload.EnumerateObject())
        {
            var name = prefix + property.Name;
            var value = property.Value;
            claims[name] = value.ValueKind switch
            {
                JsonValueKind.Array => value.EnumerateArray().Select(Text).ToArray(),
                _ => [Text(value)],
            };
            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var nested in Claims(value, name + "."))
                {
                    claims[nested.Key] = nested.Value;
                }
            }
        }

        return claims;
    }

    /// <summary>
    /// A space-delimited claim's one string becomes its list of values, so <c>request.auth.claims[scope]</c> matches one
    /// scope among several; <c>scope</c> and <c>permission</c> always are, as Istio configures Envoy.
    /// </summary>
    private static void SplitSpaceDelimited(Dictionary<string, IReadOnlyList<string>> claims, IReadOnlyList<string> named)
    {
        foreach (var name in named.Append("scope").Append("permission"))
        {
            if (claims.TryGetValue(name, out var values) && values is [var single] && single.Contains(' '))
            {
                claims[name] = single.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();

    private static (string Token, string? Header)? Locate(JwtRule rule, Func<string, string?> header, Func<string, string?> query)
    {
        // Envoy looks in the default places only when the rule names none.
        var named = rule.FromHeaders.Count > 0 || rule.FromParams.Count > 0 || rule.FromCookies.Count > 0;
        var fromHeaders = named ? rule.FromHeaders : [new JwtHeader("Authorization", "Bearer ")];
        var fromParams = named ? rule.FromParams : ["access_token"];
        foreach (var location in fromHeaders)
        {
            var value = header(location.Name);
            if (value is null)
            {
                continue;
            }

            var prefix = location.Prefix ?? "";
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && value.Length > prefix.Length)
            {
                return (value[prefix.Length..].Trim(), location.Name);
            }
        }

        foreach (var parameter in fromParams)
        {
            if (query(parameter) is { Length: > 0 } value)
            {
                return (value, null);
            }
        }

        foreach (var name in rule.FromCookies)
        {
            if (Cookie(header("cookie"), name) is { Length: > 0 } value)
            {
                return (value, null);
            }
        }

        return null;
    }

    /// <summary>A cookie's value from a <c>Cookie</c> header (<c>a=1; session=…</c>).</summary>
    private static string? Cookie(string? header, string name)
    {
        foreach (var pair in (header ?? "").Split(';', StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair.AsSpan(0, equals).SequenceEqual(name))
            {
                return pair[(equals + 1)..].Trim('"');
            }
        }

        return null;
    }

    private static (JwtRule, JsonWebKeys?, string?) Keys(JwtRule rule, string jwks)
    {
        try
        {
            return (rule, new JsonWebKeys(jwks), null);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return (rule, null, $"the jwks is not a valid JSON Web Key Set: {e.Message}");
        }
    }
}
