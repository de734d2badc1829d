using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mesh.Security;

/// <summary>
/// Bootstrap identity, the counterpart of a Kubernetes service-account token: the app host (playing the API server)
/// mints one per sidecar with a secret it shares with the control plane, and the control plane checks it before it
/// lets a proxy register or signs a certificate. Compact JWTs, HS256, audience <c>mesh-ca</c>.
/// </summary>
/// <remarks>
/// Like Kubernetes' bound tokens (<c>kubernetes.io.pod</c>), a token may be bound to one workload: its proxy id, its
/// name and its labels. The control plane then registers exactly that workload for it, so a stolen or leaked token of
/// one workload cannot register as another, take over another proxy's registration, or claim labels that attract
/// another service's traffic.
/// </remarks>
public static class ServiceAccountTokens
{
    public const string Audience = "mesh-ca";
    private const string Prefix = "system:serviceaccount:";
    private const string WorkloadClaim = "mesh.io/workload";

    public static string Issue(byte[] key, string @namespace, string serviceAccount, TimeSpan lifetime, TimeProvider time, BoundWorkload? workload = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("iss", "mesh");
            json.WriteString("aud", Audience);
            json.WriteString("sub", $"{Prefix}{@namespace}:{serviceAccount}");
            json.WriteNumber("iat", now);
            json.WriteNumber("exp", now + (long)lifetime.TotalSeconds);
            if (workload is not null)
            {
                json.WriteStartObject(WorkloadClaim);
                json.WriteString("proxy", workload.ProxyId);
                json.WriteString("name", workload.Name);
                json.WriteStartObject("labels");
                foreach (var (label, value) in workload.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    json.WriteString(label, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var payload = Base64Url(buffer.ToArray());
        return $"{header}.{payload}.{Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{payload}")))}";
    }

    public static bool TryValidate(byte[] key, string? token, TimeProvider time, out string @namespace, out string serviceAccount, out string? error)
    {
        var valid = TryValidate(key, token, time, out var identity, out error);
        (@namespace, serviceAccount) = valid ? (identity!.Namespace, identity.ServiceAccount) : ("", "");
        return valid;
    }

    /// <summary>Checks a token's signature, expiry and audience; gives the identity and the workload it is bound to.</summary>
    public static bool TryValidate(byte[] key, string? token, TimeProvider time, out TokenIdentity? identity, out string? error)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        identity = null;
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

            identity = new TokenIdentity(names[0], names[1], root.TryGetProperty(WorkloadClaim, out var bound) ? Bound(bound) : null);
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            error = $"the token's payload is not valid: {e.Message}";
            return false;
        }
    }

    private static BoundWorkload Bound(JsonElement claim) => new(
        claim.GetProperty("proxy").GetString() ?? "",
        claim.GetProperty("name").GetString() ?? "",
        claim.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal));

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

/// <summary>Who a valid token speaks for: a service account, and the one workload it is bound to when it is.</summary>
public sealed record TokenIdentity(string Namespace, string ServiceAccount, BoundWorkload? Workload)
{
    /// <summary>The Kubernetes user name of the service account (<c>system:serviceaccount:ns:name</c>).</summary>
    public string Subject => $"system:serviceaccount:{Namespace}:{ServiceAccount}";
}

/// <summary>The workload a token is bound to, as a pod is to its projected token: its proxy id, name and labels.</summary>
public sealed record BoundWorkload(string ProxyId, string Name, IReadOnlyDictionary<string, string> Labels);
