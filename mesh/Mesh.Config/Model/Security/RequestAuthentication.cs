using Mesh.Config.Source;

namespace Mesh.Config.Model.Security;

/// <summary>Istio RequestAuthentication: which JWTs a workload accepts.</summary>
public sealed record RequestAuthentication : MeshResource
{
    public override string Kind => "RequestAuthentication";

    public WorkloadSelector? Selector { get; init; }

    public IReadOnlyList<JwtRule> JwtRules { get; init; } = [];
}

/// <summary>One accepted issuer, its keys, and what to expose from its tokens.</summary>
public sealed record JwtRule
{
    public required SourceSpan Source { get; init; }

    public required string Issuer { get; init; }

    public IReadOnlyList<string> Audiences { get; init; } = [];

    public string? Jwks { get; init; }

    public string? JwksUri { get; init; }

    public IReadOnlyList<JwtHeader> FromHeaders { get; init; } = [];

    public IReadOnlyList<string> FromParams { get; init; } = [];

    /// <summary>Cookies that may carry the token.</summary>
    public IReadOnlyList<string> FromCookies { get; init; } = [];

    /// <summary>Claims whose string value is a space-separated list (besides <c>scope</c> and <c>permission</c>, which always are).</summary>
    public IReadOnlyList<string> SpaceDelimitedClaims { get; init; } = [];

    public string? OutputPayloadToHeader { get; init; }

    public bool ForwardOriginalToken { get; init; }

    public IReadOnlyList<ClaimToHeader> OutputClaimToHeaders { get; init; } = [];
}

/// <summary>A header that carries the token, with an optional prefix such as <c>Bearer </c>.</summary>
public sealed record JwtHeader(string Name, string? Prefix);

/// <summary>Copies a claim into a request header.</summary>
public sealed record ClaimToHeader(string Header, string Claim);
