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

/// <summary>
/// One local rate limit, as Envoy applies it: the filter inserted into a listener context (<see cref="Level"/>
/// <c>Filter</c>), or a route's own config (<c>Route</c>), which replaces the filter's for that route. A route's config
/// takes effect only where the filter was inserted.
/// </summary>
public sealed record LocalRateLimitPatch
{
    public required SourceSpan Source { get; init; }

    public EnvoyFilterContext Context { get; init; } = EnvoyFilterContext.Any;

    public LocalRateLimitLevel Level { get; init; } = LocalRateLimitLevel.Filter;

    /// <summary>Envoy's <c>stat_prefix</c>: names the limit's counters in the proxy's metrics.</summary>
    public string StatPrefix { get; init; } = "http_local_rate_limiter";

    /// <summary>For a route's config: the VirtualService route name (<c>http[].name</c>); null matches every route (<c>action: ANY</c>).</summary>
    public string? RouteName { get; init; }

    /// <summary>The bucket; null limits nothing (Envoy's filter without <c>token_bucket</c>, as Istio's sample inserts it).</summary>
    public TokenBucketSpec? TokenBucket { get; init; }

    /// <summary>Share of requests the filter looks at (<c>filter_enabled</c>), 0-100.</summary>
    public double EnabledPercent { get; init; } = 100;

    /// <summary>Share of limited requests actually refused (<c>filter_enforced</c>), 0-100; the rest are only counted.</summary>
    public double EnforcedPercent { get; init; } = 100;

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = new Dictionary<string, string>();
}

/// <summary>Where a local rate limit's config sits: the HTTP filter itself, or a route's <c>typed_per_filter_config</c>.</summary>
public enum LocalRateLimitLevel
{
    Filter,
    Route,
}

/// <summary>Envoy's token bucket: starts full with <see cref="MaxTokens"/>, adds <see cref="TokensPerFill"/> every <see cref="FillInterval"/>.</summary>
public sealed record TokenBucketSpec(int MaxTokens, int TokensPerFill, TimeSpan FillInterval);
