using System.Security.Cryptography;
using System.Text;

namespace Mesh.Proxy.Admin;

/// <summary>
/// Who may write to this proxy's admin listener (<c>runtime_modify</c>): callers whose bearer token hashes to a digest
/// the control plane sent on the proxy's authenticated stream. The proxy never holds the tokens themselves, so a
/// compromised proxy cannot use them elsewhere. Until the control plane has said, nobody may write.
/// </summary>
public sealed class AdminWriters
{
    private volatile byte[][] _digests = [];

    public void Update(IEnumerable<byte[]> digests) => _digests = [.. digests];

    /// <summary>Whether a request's <c>Authorization: Bearer</c> token is one the control plane allows.</summary>
    public bool Allows(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim()));
        var allowed = false;
        foreach (var known in _digests)
        {
            allowed |= CryptographicOperations.FixedTimeEquals(known, digest);
        }

        return allowed;
    }
}
