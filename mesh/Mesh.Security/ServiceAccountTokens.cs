using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mesh.Security;

/// <summary>
/// Bootstrap identity, the counterpart of a Kubernetes service-account token: the app host (playing the API server)
/// mints one per sidecar with a secret it shares with the control plane, and the CA checks it before signing a
/// certificate for that identity. Compact JWTs, HS256, audience <c>mesh-ca</c>.
/// </summary>
public static class ServiceAccountTokens
{
    public const string Audience = "mesh-ca";
    private const string Prefix = "system:serviceaccount:";

    public static string Issue(byte[] key, string @namespace, string serviceAccount, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = "mesh",
            ["aud"] = Audience,
            ["sub"] = $"{Prefix}{@namespace}:{serviceAccount}",
            ["iat"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        }));
        return $"{header}.{payload}.{Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{payload}")))}";
    }

    public static bool TryValidate(byte[] key, string? token, TimeProvider time, out string @namespace, out string serviceAccount, out string? error)
    {
        (@namespace, serviceAccount) = ("", "");
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 3)
        {
            error = "the token is not a compact JWT";
            return false;
        }

        if (!TryDecode(parts[2], out var signature) ||
            !CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"))))
        {
            error = "the token's signature is not valid";
            return false;
        }

        try
        {
            if (!TryDecode(parts[1], out var payload))
            {
                error = "the token's payload is not base64url";
                return false;
            }

            using var claims = JsonDocument.Parse(payload);
            var root = claims.RootElement;
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            if (!root.TryGetProperty("exp", out var exp) || exp.GetInt64() < now)
            {
                error = "the token has expired";
                return false;
            }

            if (!root.TryGetProperty("aud", out var aud) || aud.GetString() != Audience)
            {
                error = $"the token is not for {Audience}";
                return false;
            }

            var subject = root.TryGetProperty("sub", out var sub) ? sub.GetString() ?? "" : "";
            var names = subject.StartsWith(Prefix, StringComparison.Ordinal) ? subject[Prefix.Length..].Split(':') : [];
            if (names.Length != 2 || names.Any(string.IsNullOrEmpty))
            {
                error = $"the token's subject '{subject}' is not a service account";
                return false;
            }

            (@namespace, serviceAccount) = (names[0], names[1]);
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            error = $"the token's payload is not valid: {e.Message}";
            return false;
        }
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static bool TryDecode(string text, out byte[] bytes)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        bytes = new byte[base64.Length];
        var ok = Convert.TryFromBase64String(base64, bytes, out var written);
        bytes = ok ? bytes[..written] : [];
        return ok;
    }
}
