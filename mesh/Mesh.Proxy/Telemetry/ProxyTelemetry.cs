using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mesh.Config.Model.Telemetry;
using Mesh.DataPlane;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Forwarding;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// Istio's standard metrics, by Istio's names and labels, so existing dashboards and alerts keep working. Each
/// request is counted once by the source proxy (<c>reporter="source"</c>) and once by the destination proxy.
/// </summary>
public sealed class ProxyTelemetry : IDisposable
{
    public const string MeterName = "Mesh.Proxy";

    /// <summary>Istio's default buckets for <c>istio_request_duration_milliseconds</c>.</summary>
    public static readonly double[] DurationBuckets = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    /// <summary>Istio's buckets for <c>istio_request_bytes</c> and <c>istio_response_bytes</c>.</summary>
    public static readonly long[] SizeBuckets = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _requestBytes;
    private readonly Histogram<long> _responseBytes;
    private readonly Counter<long> _connectionsOpened;
    private readonly Counter<long> _connectionsClosed;
    private readonly AccessLog _accessLog;
    private readonly Routing.RouteTableProvider _routes;
    private readonly DataPlane.ProxyIdentity _self;
    private readonly string _selfPrincipal;

    private long _activeRequests;

    public ProxyTelemetry(IMeterFactory meters, DataPlane.ProxyIdentity self, Routing.RouteTableProvider routes, Identity.WorkloadIdentity identity, AccessLog accessLog)
    {
        _self = self;
        _routes = routes;
        _accessLog = accessLog;
        _selfPrincipal = identity.Enabled ? identity.Id.ToString() : "unknown";
        _meter = meters.Create(MeterName);
        CreateClusterInstruments(routes);
        _requests = _meter.CreateCounter<long>("istio_requests_total", description: "Requests handled by the proxy, by source, destination and outcome.");
        _duration = _meter.CreateHistogram<double>("istio_request_duration_milliseconds", "ms", "Request duration seen by the proxy.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _requestBytes = _meter.CreateHistogram<long>("istio_request_bytes", "By", "Request sizes (headers not counted).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });
        _responseBytes = _meter.CreateHistogram<long>("istio_response_bytes", "By", "Response sizes (headers not counted).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });
        _connectionsOpened = _meter.CreateCounter<long>("istio_tcp_connections_opened_total", description: "Connections accepted by the proxy's listeners.");
        _connectionsClosed = _meter.CreateCounter<long>("istio_tcp_connections_closed_total", description: "Connections of the proxy's listeners that closed.");
    }

    /// <summary>Counts a downstream connection opening on a listener (and, when it ends, closing).</summary>
    public void ConnectionOpened(Routing.BoundListener listener, bool tls) =>
        Record(_connectionsOpened, IstioMetric.TcpOpenedConnections, listener.Kind == ListenerKind.Inbound, ConnectionLabels(listener, tls), NoAttributes);

    public void ConnectionClosed(Routing.BoundListener listener, bool tls) =>
        Record(_connectionsClosed, IstioMetric.TcpClosedConnections, listener.Kind == ListenerKind.Inbound, ConnectionLabels(listener, tls), NoAttributes);

    private static readonly Func<string, string?> NoAttributes = _ => null;

    /// <summary>Adds to a counter as the Telemetry overrides for this metric and side say: not at all, or with their labels.</summary>
    private void Record(Counter<long> counter, IstioMetric metric, bool server, in TagList tags, Func<string, string?> attribute)
    {
        var shape = _routes.Current.Metrics.For(metric, server);
        if (shape.IsStandard)
        {
            counter.Add(1, tags);
        }
        else if (!shape.Disabled)
        {
            counter.Add(1, shape.Apply(tags, attribute));
        }
    }

    private void Record<T>(Histogram<T> histogram, IstioMetric metric, bool server, T value, in TagList tags, Func<string, string?> attribute)
        where T : struct
    {
        var shape = _routes.Current.Metrics.For(metric, server);
        if (shape.IsStandard)
        {
            histogram.Record(value, tags);
        }
        else if (!shape.Disabled)
        {
            histogram.Record(value, shape.Apply(tags, attribute));
        }
    }

    /// <summary>The request attributes a tag override may name.</summary>
    private static Func<string, string?> Attributes(HttpContext context) => name => name switch
    {
        "request.host" => context.Request.Host.Value,
        "request.method" => context.Request.Method,
        "request.path" => context.Request.Path.Value,
        "request.scheme" => context.Request.Scheme,
        _ => null,
    };

    private TagList ConnectionLabels(Routing.BoundListener listener, bool tls) => new()
    {
        { "reporter", listener.Kind == ListenerKind.Inbound ? "destination" : "source" },
        { "destination_workload", listener.Kind == ListenerKind.Inbound ? _self.Workload.Name : "unknown" },
        { "destination_workload_namespace", listener.Kind == ListenerKind.Inbound ? _self.Workload.Namespace : "unknown" },
        { "destination_service", listener.Key },
        { "connection_security_policy", listener.Kind == ListenerKind.Inbound ? (tls ? "mutual_tls" : "none") : "unknown" },
    };

    public void RequestStarted() => Interlocked.Increment(ref _activeRequests);

    public void RequestCompleted(HttpContext context, MeshRequest mesh, long requestBytes, long responseBytes, DateTimeOffset startTime)
    {
        Interlocked.Decrement(ref _activeRequests);
        var tags = Labels(context, mesh);
        var elapsed = Stopwatch.GetElapsedTime(mesh.StartTimestamp).TotalMilliseconds;
        if (_routes.Current.Metrics.IsStandard)
        {
            _requests.Add(1, tags);
            _duration.Record(elapsed, tags);
            _requestBytes.Record(requestBytes, tags);
            _responseBytes.Record(responseBytes, tags);
        }
        else
        {
            var server = mesh.Listener.Kind == ListenerKind.Inbound;
            var attributes = Attributes(context);
            Record(_requests, IstioMetric.RequestCount, server, tags, attributes);
            Record(_duration, IstioMetric.RequestDuration, server, elapsed, tags, attributes);
            Record(_requestBytes, IstioMetric.RequestSize, server, requestBytes, tags, attributes);
            Record(_responseBytes, IstioMetric.ResponseSize, server, responseBytes, tags, attributes);
        }
        if (_routes.Current.AccessLogging)
        {
            _accessLog.Write(AccessLog.Format(context, mesh, requestBytes, responseBytes, startTime));
        }

        // Name the hop's span as Envoy names it, and say what the proxy decided.
        if (Activity.Current is { } span)
        {
            span.DisplayName = mesh.Listener.Kind == ListenerKind.Inbound
                ? $"inbound {_self.Workload.App}.{_self.Workload.Namespace}.svc.cluster.local:{mesh.Listener.ServicePort}"
                : mesh.Cluster is { } cluster ? $"{cluster.Host}:{cluster.Port}/*" : $"{mesh.Listener.Key} (no route)";
            span.SetTag("component", "proxy");
            span.SetTag("node_id", _self.Workload.Name);
            span.SetTag("upstream_cluster", mesh.Cluster?.Name);
            span.SetTag("response_flags", ResponseFlagNames.Format(mesh.Flags));
            span.SetTag("istio.canonical_service", _self.Workload.App);
        }
    }

    public TagList Labels(HttpContext context, MeshRequest mesh)
    {
        var inbound = mesh.Listener.Kind == ListenerKind.Inbound;
        var self = _self.Workload;
        var destination = inbound ? self : mesh.Endpoint?.Workload;
        var source = inbound ? mesh.Source : PeerMetadata.From(self);
        var grpc = LocalReply.IsGrpc(context.Request);
        return new TagList
        {
            { "reporter", inbound ? "destination" : "source" },
            { "source_workload", source.Workload },
            { "source_workload_namespace", source.Namespace },
            { "source_app", source.App },
            { "source_version", source.Version },
            { "destination_workload", destination?.Name ?? "unknown" },
            { "destination_workload_namespace", destination?.Namespace ?? "unknown" },
            { "destination_app", destination?.App ?? "unknown" },
            { "destination_version", destination?.Version ?? "unknown" },
            { "destination_service", inbound ? $"{self.App}.{self.Namespace}.svc.cluster.local" : mesh.Cluster?.Host ?? (mesh.Passthrough ? context.Request.Host.Host : mesh.BlackHole ? "BlackHoleCluster" : "unknown") },
            { "destination_service_name", inbound ? self.App : mesh.Cluster is { } c ? Config.Registry.Hostnames.ShortName(c.Host) : mesh.Passthrough ? "PassthroughCluster" : mesh.BlackHole ? "BlackHoleCluster" : "unknown" },
            { "request_protocol", grpc ? "grpc" : "http" },
            { "response_code", context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { "grpc_response_status", grpc ? GrpcStatus(context) : "" },
            { "response_flags", ResponseFlagNames.Format(mesh.Flags) },
            { "connection_security_policy", inbound ? (mesh.SourcePrincipal is null ? "none" : "mutual_tls") : "unknown" },
            { "source_principal", inbound ? mesh.SourcePrincipal?.ToString() ?? "unknown" : _selfPrincipal },
            { "destination_principal", inbound && mesh.SourcePrincipal is not null ? _selfPrincipal : "unknown" },
        };
    }

    private static string GrpcStatus(HttpContext context)
    {
        if (context.Items.TryGetValue(LocalReply.GrpcStatusItem, out var local) && local is int code)
        {
            return code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var trailers = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers;
        var status = trailers?["grpc-status"].ToString();
        return string.IsNullOrEmpty(status) ? context.Response.Headers["grpc-status"].ToString() : status;
    }

    /// <summary>
    /// The proxy's own stats, with Envoy's names (Istio exposes them as <c>envoy_*</c>): requests in flight and queued
    /// per cluster, circuit-breaker overflows, retries, retries refused by the budget or breaker, ejections, config version.
    /// </summary>
    private void CreateClusterInstruments(Routing.RouteTableProvider routes)
    {
        IEnumerable<Measurement<long>> PerCluster(Func<DataPlane.Clusters.ClusterState, long> value) =>
            routes.Clusters.Select(c => new Measurement<long>(value(c.Value), new KeyValuePair<string, object?>("cluster_name", c.Key)));

        _meter.CreateObservableGauge("envoy_http_downstream_rq_active", () => Interlocked.Read(ref _activeRequests), description: "Requests the proxy is handling now.");
        _meter.CreateObservableGauge("envoy_cluster_upstream_rq_active", () => PerCluster(c => c.ConnectionPool.Active), description: "Requests in flight per cluster.");
        _meter.CreateObservableGauge("envoy_cluster_upstream_rq_pending_active", () => PerCluster(c => c.ConnectionPool.Pending), description: "Requests queued for a connection-pool slot per cluster.");
        _meter.CreateObservableCounter("envoy_cluster_upstream_rq_pending_overflow", () => PerCluster(c => c.ConnectionPool.Overflows), description: "Requests refused by the circuit breaker (UO).");
        _meter.CreateObservableCounter("envoy_cluster_upstream_rq_retry", () => PerCluster(c => c.Retries), description: "Retries sent.");
        _meter.CreateObservableCounter("envoy_cluster_upstream_rq_retry_overflow", () => PerCluster(c => c.RetryBudget.Exhausted + c.ConnectionPool.RetryOverflows), description: "Retries refused by the retry budget or maxRetries.");
        _meter.CreateObservableCounter("envoy_cluster_upstream_rq_retry_budget_exhausted", () => PerCluster(c => c.RetryBudget.Exhausted), description: "Retries refused by the retry budget.");
        _meter.CreateObservableGauge("envoy_cluster_outlier_detection_ejections_active", () => PerCluster(c => c.OutlierDetector.EjectedCount(c.Endpoints)), description: "Endpoints ejected now.");
        _meter.CreateObservableCounter("envoy_cluster_outlier_detection_ejections_enforced", () => PerCluster(c => c.OutlierDetector.Ejections), description: "Ejections so far.");
        _meter.CreateObservableGauge("mesh_proxy_config_version", () => long.TryParse(routes.Current.Version, out var version) ? version : 0, description: "The config version the proxy routes with.");
    }

    public void Dispose() => _meter.Dispose();
}
