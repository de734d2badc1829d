namespace Mesh.DataPlane.Security;

/// <summary>What an authorization decision may look at, independent of any HTTP server.</summary>
public sealed record AuthorizationRequest
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoClaims = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The peer's identity from mTLS, in Istio's principal form (<c>cluster.local/ns/default/sa/reviews</c>); null for plaintext.</summary>
    public string? SourcePrincipal { get; init; }

    public string? SourceIp { get; init; }

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

    /// <summary>The namespace of the source principal, Istio's <c>source.namespace</c>.</summary>
    public string? SourceNamespace =>
        SourcePrincipal is { } principal && principal.Split('/') is { Length: 5 } parts && parts[1] == "ns" ? parts[2] : null;
}
