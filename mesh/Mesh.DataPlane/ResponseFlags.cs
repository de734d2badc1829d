namespace Mesh.DataPlane;

/// <summary>
/// Envoy's response flags: why a proxy produced or altered a response. They appear in access logs and in the
/// <c>response_flags</c> metric label, by their short names (<c>UO</c>, <c>UH</c>, …); no flag is written <c>-</c>.
/// </summary>
[Flags]
public enum ResponseFlags
{
    None = 0,

    /// <summary>NR: no route matched the request.</summary>
    NoRouteFound = 1 << 0,

    /// <summary>UH: no healthy upstream endpoint.</summary>
    NoHealthyUpstream = 1 << 1,

    /// <summary>UF: the upstream connection failed.</summary>
    UpstreamConnectionFailure = 1 << 2,

    /// <summary>UO: a circuit breaker overflowed (connection pool or pending queue full).</summary>
    UpstreamOverflow = 1 << 3,

    /// <summary>URX: retries (or the retry budget) ran out.</summary>
    UpstreamRetryLimitExceeded = 1 << 4,

    /// <summary>UT: the upstream request timed out.</summary>
    UpstreamRequestTimeout = 1 << 5,

    /// <summary>DI: a delay was injected.</summary>
    DelayInjected = 1 << 6,

    /// <summary>FI: an abort was injected.</summary>
    FaultInjected = 1 << 7,

    /// <summary>RL: rate limited locally.</summary>
    RateLimited = 1 << 8,

    /// <summary>UC: the upstream connection was terminated.</summary>
    UpstreamConnectionTermination = 1 << 9,

    /// <summary>DC: the downstream (client) connection was terminated.</summary>
    DownstreamConnectionTermination = 1 << 10,

    /// <summary>RBAC: denied by an authorization policy.</summary>
    RbacAccessDenied = 1 << 11,

    /// <summary>NC: the route's cluster does not exist.</summary>
    NoClusterFound = 1 << 12,

    /// <summary>UAEX: the request was unauthorized (e.g. an invalid JWT).</summary>
    Unauthorized = 1 << 13,
}
