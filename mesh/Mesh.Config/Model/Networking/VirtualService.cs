using Mesh.Config.Source;

namespace Mesh.Config.Model.Networking;

// The types in this file mirror istio.io/api networking/v1 virtual_service.proto, one record per message.

/// <summary>Istio VirtualService: ordered HTTP routing rules for a set of hosts, in the mesh or at gateways.</summary>
public sealed record VirtualService : MeshResource
{
    public const string MeshGateway = "mesh";

    public override string Kind => "VirtualService";

    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Gateways and sidecars that apply these routes; empty means the reserved gateway <c>mesh</c>.</summary>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    public IReadOnlyList<HttpRoute> Http { get; init; } = [];

    public IReadOnlyList<string> ExportTo { get; init; } = [];
}

/// <summary>One HTTP rule: match conditions and what to do with a matching request.</summary>
public sealed record HttpRoute
{
    public required SourceSpan Source { get; init; }

    public string? Name { get; init; }

    /// <summary>Match blocks, OR-ed; conditions within one block are AND-ed. Empty matches everything.</summary>
    public IReadOnlyList<HttpMatchRequest> Match { get; init; } = [];

    public IReadOnlyList<HttpRouteDestination> Route { get; init; } = [];

    public HttpRedirect? Redirect { get; init; }

    public HttpDirectResponse? DirectResponse { get; init; }

    public HttpRewrite? Rewrite { get; init; }

    public TimeSpan? Timeout { get; init; }

    public HttpRetry? Retries { get; init; }

    public HttpFaultInjection? Fault { get; init; }

    public Destination? Mirror { get; init; }

    public Percent? MirrorPercentage { get; init; }

    public IReadOnlyList<HttpMirrorPolicy> Mirrors { get; init; } = [];

    public CorsPolicy? CorsPolicy { get; init; }

    public Headers? Headers { get; init; }

    /// <summary>The delegate VirtualService this rule hands its requests to (<c>namespace/name</c>).</summary>
    public string? Delegate { get; init; }

    /// <summary>True when the rule matches every request (no match block, or an empty one).</summary>
    public bool IsCatchAll => Match.Count == 0 || Match.Any(m => m.IsEmpty);
}

/// <summary>One match block. Every condition that is set must hold.</summary>
public sealed record HttpMatchRequest
{
    public required SourceSpan Source { get; init; }

    public string? Name { get; init; }

    public StringMatch? Uri { get; init; }

    public StringMatch? Scheme { get; init; }

    public StringMatch? Method { get; init; }

    public StringMatch? Authority { get; init; }

    public IReadOnlyDictionary<string, StringMatch> Headers { get; init; } = new Dictionary<string, StringMatch>();

    public IReadOnlyDictionary<string, StringMatch> QueryParams { get; init; } = new Dictionary<string, StringMatch>();

    public IReadOnlyDictionary<string, StringMatch> WithoutHeaders { get; init; } = new Dictionary<string, StringMatch>();

    public int? Port { get; init; }

    public IReadOnlyDictionary<string, string> SourceLabels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Gateways { get; init; } = [];

    public string? SourceNamespace { get; init; }

    public bool IgnoreUriCase { get; init; }

    public bool IsEmpty =>
        Uri is null && Scheme is null && Method is null && Authority is null && Headers.Count == 0 && QueryParams.Count == 0 &&
        WithoutHeaders.Count == 0 && Port is null && SourceLabels.Count == 0 && Gateways.Count == 0 && SourceNamespace is null;
}

/// <summary>Where traffic goes: a service host, optionally a subset and a port.</summary>
public sealed record Destination
{
    public required SourceSpan Source { get; init; }

    public required string Host { get; init; }

    public string? Subset { get; init; }

    public int? Port { get; init; }

    public override string ToString() => Host + (Subset is null ? "" : $"/{Subset}") + (Port is null ? "" : $":{Port}");
}

/// <summary>A weighted destination of a route, with header operations applied when it is chosen.</summary>
public sealed record HttpRouteDestination
{
    public required SourceSpan Source { get; init; }

    public required Destination Destination { get; init; }

    /// <summary>Relative weight; when only one destination exists and no weight is set, it takes 100.</summary>
    public int? Weight { get; init; }

    public Headers? Headers { get; init; }
}

/// <summary>An HTTP redirect (301 by default) replacing parts of the URL.</summary>
public sealed record HttpRedirect
{
    public required SourceSpan Source { get; init; }

    public string? Uri { get; init; }

    public string? Authority { get; init; }

    public int? Port { get; init; }

    public string? Scheme { get; init; }

    public int RedirectCode { get; init; } = 301;
}

/// <summary>A response the proxy sends itself.</summary>
public sealed record HttpDirectResponse
{
    public required SourceSpan Source { get; init; }

    public required int Status { get; init; }

    public string? Body { get; init; }
}

/// <summary>Rewrites the path and/or authority before forwarding.</summary>
public sealed record HttpRewrite
{
    public required SourceSpan Source { get; init; }

    /// <summary>Replaces the part of the path matched by a prefix match (or the whole path for other matches).</summary>
    public string? Uri { get; init; }

    public string? Authority { get; init; }

    public RegexRewrite? UriRegexRewrite { get; init; }
}

/// <summary>A regex substitution on the path.</summary>
public sealed record RegexRewrite(string Match, string Rewrite);

/// <summary>Retry policy of a route.</summary>
public sealed record HttpRetry
{
    public required SourceSpan Source { get; init; }

    public int Attempts { get; init; }

    public TimeSpan? PerTryTimeout { get; init; }

    /// <summary>Comma-separated conditions: <c>5xx</c>, <c>gateway-error</c>, <c>connect-failure</c>, a status code, …</summary>
    public string? RetryOn { get; init; }

    public bool? RetryRemoteLocalities { get; init; }

    public bool? RetryIgnorePreviousHosts { get; init; }

    public TimeSpan? Backoff { get; init; }
}

/// <summary>Delay and/or abort injected into a share of requests.</summary>
public sealed record HttpFaultInjection
{
    public required SourceSpan Source { get; init; }

    public FaultDelay? Delay { get; init; }

    public FaultAbort? Abort { get; init; }
}

/// <summary>A fixed delay for a share of requests (100% when no percentage is set).</summary>
public sealed record FaultDelay(TimeSpan FixedDelay, Percent Percentage, SourceSpan Source);

/// <summary>An abort with an HTTP or gRPC status for a share of requests.</summary>
public sealed record FaultAbort(int? HttpStatus, string? GrpcStatus, Percent Percentage, SourceSpan Source);

/// <summary>One mirror target with its sampling percentage.</summary>
public sealed record HttpMirrorPolicy(Destination Destination, Percent? Percentage);

/// <summary>CORS policy of a route.</summary>
public sealed record CorsPolicy
{
    public required SourceSpan Source { get; init; }

    public IReadOnlyList<StringMatch> AllowOrigins { get; init; } = [];

    public IReadOnlyList<string> AllowMethods { get; init; } = [];

    public IReadOnlyList<string> AllowHeaders { get; init; } = [];

    public IReadOnlyList<string> ExposeHeaders { get; init; } = [];

    public TimeSpan? MaxAge { get; init; }

    public bool? AllowCredentials { get; init; }
}

/// <summary>Header manipulations for requests and responses.</summary>
public sealed record Headers(HeaderOperations? Request, HeaderOperations? Response);

/// <summary>Set (overwrite), add (append) and remove operations on headers.</summary>
public sealed record HeaderOperations
{
    public IReadOnlyDictionary<string, string> Set { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Add { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Remove { get; init; } = [];
}
