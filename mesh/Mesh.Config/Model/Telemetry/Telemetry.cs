namespace Mesh.Config.Model.Telemetry;

/// <summary>
/// Istio's Telemetry resource, read for what the mesh implements: access logs on or off for the workloads it selects
/// (<c>accessLogging[].disabled</c>), and metric overrides (<c>metrics[].overrides</c>: disable a metric, remove or set
/// a tag), and the tracing sampling percentage.
/// </summary>
public sealed record Telemetry : MeshResource
{
    public override string Kind => "Telemetry";

    public WorkloadSelector? Selector { get; init; }

    public IReadOnlyList<AccessLogging> AccessLogging { get; init; } = [];

    /// <summary>The overrides of every <c>metrics</c> entry, in order.</summary>
    public IReadOnlyList<MetricOverride> MetricOverrides { get; init; } = [];

    /// <summary><c>tracing[].randomSamplingPercentage</c>: the share of the traces starting at a proxy that are sampled.</summary>
    public double? TraceSampling { get; init; }
}

/// <summary>
/// One <c>accessLogging</c> entry: its providers and whether logging is disabled. Its CEL <c>filter</c> and <c>match</c>
/// are reported as not implemented.
/// </summary>
public sealed record AccessLogging(IReadOnlyList<string> Providers, bool Disabled);

/// <summary>Istio's standard metrics, as Telemetry's <c>match.metric</c> names them.</summary>
public enum IstioMetric
{
    AllMetrics,
    RequestCount,
    RequestDuration,
    RequestSize,
    ResponseSize,
    TcpOpenedConnections,
    TcpClosedConnections,
    TcpSentBytes,
    TcpReceivedBytes,
    GrpcRequestMessages,
    GrpcResponseMessages,
}

/// <summary>Which side's reports an override applies to: the client proxy's (<c>reporter="source"</c>), the server's, or both.</summary>
public enum MetricMode
{
    ClientAndServer,
    Client,
    Server,
}

/// <summary>
/// One <c>metrics[].overrides</c> entry: the metric and side it matches, whether that metric is disabled, and its tag
/// overrides (a tag removed, or set to a value).
/// </summary>
public sealed record MetricOverride(IstioMetric Metric, MetricMode Mode, bool? Disabled, IReadOnlyDictionary<string, TagOverride> Tags);

/// <summary>A tag override: <c>REMOVE</c> the label, or <c>UPSERT</c> it to a value (a CEL expression; see the reader for what is supported).</summary>
public sealed record TagOverride(bool Remove, string? Value);

/// <summary>The CEL expressions a tag override may use here: a quoted string, or one request attribute.</summary>
public static class TagExpressions
{
    public static IReadOnlyList<string> Attributes { get; } = ["request.host", "request.method", "request.path", "request.scheme"];

    public static bool IsSupported(string expression) => Literal(expression) is not null || Attributes.Contains(expression.Trim());

    /// <summary>The text of a quoted CEL string literal, or null.</summary>
    public static string? Literal(string expression)
    {
        var e = expression.Trim();
        return e.Length >= 2 && (e[0] is '\'' or '"') && e[^1] == e[0] && e.IndexOf(e[0], 1) == e.Length - 1 ? e[1..^1] : null;
    }
}
