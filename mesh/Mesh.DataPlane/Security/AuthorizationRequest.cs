namespace Mesh.DataPlane.Security;

/// <summary>What an authorization decision may look at, independent of any HTTP server.</summary>
public sealed record AuthorizationRequest
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoClaims = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The peer's identity from mTLS, in Istio's principal form (<c>cluster.local/ns/default/sa/reviews</c>); null for plaintext.</summary>
    public string? SourcePrincipal { get; init; }

    public string? SourceIp { get; init; }

    /// <summary>
    /// The original client's address (Istio's <c>remote.ip</c>). With no trusted proxy in front (Istio's default,
    /// <c>numTrustedProxies: 0</c>), it is the peer's own address.
    /// </summary>
    public string? RemoteIp
    {
        get => _remoteIp ?? SourceIp;
        init => _remoteIp = value;
    }

    private readonly string? _remoteIp;

    /// <summary><c>&lt;iss&gt;/&lt;sub&gt;</c> of a validated JWT; null without one.</summary>
    public string? RequestPrincipal { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Claims { get; init; } = NoClaims;

    public IReadOnlyList<string> Audiences { get; init; } = [];

    public string? Presenter { get; init; }

    public required string Host { get; init; }

    public required string Method { get; init; }

    /// <summary>The path without its query string, as Istio matches it.</summary>
    public required string Path { get; init; }

    public int Port { get; init; }

    public string? DestinationIp { get; init; }

    public Func<string, string?> Header { get; init; } = _ => null;

    public string? Sni { get; init; }

    /// <summary>The peer's service account as <c>namespace/name</c>, Istio's <c>source.serviceAccount</c>.</summary>
    public string? SourceServiceAccount =>
        SourcePrincipal is { } principal && principal.Split('/') is [_, "ns", var ns, "sa", var name] ? $"{ns}/{name}" : null;

    /// <summary>The trust domain of the peer's identity, Istio's <c>source.trustDomain</c>.</summary>
    public string? SourceTrustDomain =>
        SourcePrincipal is { } principal && principal.IndexOf('/') is > 0 and var slash ? principal[..slash] : null;

    /// <summary>The namespace of the source principal, Istio's <c>source.namespace</c>.</summary>
    public string? SourceNamespace =>
        SourcePrincipal is { } principal && principal.Split('/') is { Length: 5 } parts && parts[1] == "ns" ? parts[2] : null;
}
