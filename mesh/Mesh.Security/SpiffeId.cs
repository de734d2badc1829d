using System.Text.RegularExpressions;

namespace Mesh.Security;

/// <summary>A workload identity, <c>spiffe://&lt;trust-domain&gt;/ns/&lt;namespace&gt;/sa/&lt;service-account&gt;</c>, as Istio forms it.</summary>
public readonly partial record struct SpiffeId(string TrustDomain, string Namespace, string ServiceAccount)
{
    private const string Scheme = "spiffe://";

    /// <summary>Istio's principal form, without the scheme: <c>cluster.local/ns/default/sa/bookinfo-reviews</c>.</summary>
    public string Principal => $"{TrustDomain}/ns/{Namespace}/sa/{ServiceAccount}";

    public override string ToString() => Scheme + Principal;

    public static SpiffeId Parse(string uri) =>
        TryParse(uri, out var id, out var error) ? id : throw new FormatException($"'{uri}' is not a SPIFFE id: {error}");

    public static bool TryParse(string? uri, out SpiffeId id, out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(uri))
        {
            error = "it is empty";
            return false;
        }

        if (!uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            error = "it must start with spiffe://";
            return false;
        }

        var parts = uri[Scheme.Length..].Split('/');
        if (parts.Length != 5 || parts[1] != "ns" || parts[3] != "sa")
        {
            error = "the path must be /ns/<namespace>/sa/<service-account>";
            return false;
        }

        if (!TrustDomainPattern().IsMatch(parts[0]))
        {
            error = $"'{parts[0]}' is not a trust domain (lowercase letters, digits, '.', '-', '_')";
            return false;
        }

        if (!SegmentPattern().IsMatch(parts[2]) || !SegmentPattern().IsMatch(parts[4]))
        {
            error = "namespace and service account must be non-empty and made of letters, digits, '.', '-', '_'";
            return false;
        }

        id = new SpiffeId(parts[0], parts[2], parts[4]);
        error = null;
        return true;
    }

    [GeneratedRegex("^[a-z0-9._-]+$")]
    private static partial Regex TrustDomainPattern();

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex SegmentPattern();
}
