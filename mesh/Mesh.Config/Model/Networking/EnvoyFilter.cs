using Mesh.Config.Source;

namespace Mesh.Config.Model.Networking;

/// <summary>
/// Istio's EnvoyFilter, read for the one use the mesh implements: Envoy's local rate limit
/// (<c>envoy.filters.http.local_ratelimit</c>), added as an HTTP filter of a workload's inbound or gateway listeners
/// or set per route (<c>typed_per_filter_config</c> on a named VirtualService route). Other patches are reported as
/// not implemented.
/// </summary>
public sealed record EnvoyFilter : MeshResource
{
    public override string Kind => "EnvoyFilter";

    public WorkloadSelector? WorkloadSelector { get; init; }

    public IReadOnlyList<LocalRateLimitPatch> LocalRateLimits { get; init; } = [];
}

/// <summary>Where an EnvoyFilter patch applies.</summary>
public enum EnvoyFilterContext
{
    Any,
    SidecarInbound,
    SidecarOutbound,
    Gateway,
}

/// <summary>One local rate limit: for a whole listener context, or for one named route.</summary>
public sealed record LocalRateLimitPatch
{
    public required SourceSpan Source { get; init; }

    public EnvoyFilterContext Context { get; init; } = EnvoyFilterContext.Any;

    /// <summary>The VirtualService route name (<c>http[].name</c>) it applies to, for route-level limits.</summary>
    public string? RouteName { get; init; }

    public required TokenBucketSpec TokenBucket { get; init; }

    /// <summary>Share of requests the filter looks at (<c>filter_enabled</c>), 0-100.</summary>
    public double EnabledPercent { get; init; } = 100;

    /// <summary>Share of limited requests actually refused (<c>filter_enforced</c>), 0-100; the rest are only counted.</summary>
    public double EnforcedPercent { get; init; } = 100;

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = new Dictionary<string, string>();
}

/// <summary>Envoy's token bucket: starts full with <see cref="MaxTokens"/>, adds <see cref="TokensPerFill"/> every <see cref="FillInterval"/>.</summary>
public sealed record TokenBucketSpec(int MaxTokens, int TokensPerFill, TimeSpan FillInterval);
