using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;
using Mesh.DataPlane;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.Faults;
using Mesh.DataPlane.LoadBalancing;
using Mesh.DataPlane.Resilience;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Configuration;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// The proxy's request path, in Envoy's order: find the listener by local port, the virtual host by authority and
/// the first matching rule; answer CORS preflights, direct responses and redirects; inject faults; pick a weighted
/// cluster; then attempt: pick an endpoint the outlier detector has not ejected, take a slot from the circuit
/// breaker, forward with YARP's forwarder under the per-try and route timeouts, and retry within the policy and the
/// retry budget. Failures become Envoy-style local replies with response flags.
/// </summary>
internal sealed partial class MeshRequestHandler(
    ListenerMap listeners,
    RouteTableProvider routes,
    IHttpForwarder forwarder,
    UpstreamInvoker upstream,
    MeshTransformer transformer,
    IRandomSource random,
    TimeProvider time,
    ProxyTelemetry telemetry,
    RequestMirror mirror,
    Admin.RuntimeOverrides runtime,
    Identity.WorkloadIdentity identity,
    Security.LocalRateLimiters rateLimiters,
    ILogger<MeshRequestHandler> logger,
    IOptions<ProxyOptions> options)
{
    private static readonly ForwarderRequestConfig Http2 = new() { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, ActivityTimeout = TimeSpan.FromMinutes(5) };
    private static readonly ForwarderRequestConfig Http11 = new() { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact, ActivityTimeout = TimeSpan.FromMinutes(5) };

    private readonly bool _flagsHeader = options.Value.ResponseFlagsHeader;

    public async Task HandleAsync(HttpContext context)
    {
        var listener = listeners.For(context);
        if (listener is null)
        {
            await LocalReply.WriteAsync(context, 404, ResponseFlags.NoRouteFound, "no listener", _flagsHeader);
            return;
        }

        var mesh = new MeshRequest(listener, Stopwatch.GetTimestamp());
        context.Features.Set(mesh);
        telemetry.RequestStarted();
        var startTime = time.GetUtcNow();
        var responseBody = new Telemetry.CountingStream(context.Response.Body);
        context.Response.Body = responseBody;
        if (string.IsNullOrEmpty(context.Request.Headers[MeshTransformer.RequestIdHeader]))
        {
            // As Envoy's connection manager: every request has an id from the first proxy it meets, replies made here included.
            context.Request.Headers[MeshTransformer.RequestIdHeader] = Guid.NewGuid().ToString();
        }

        if (listener.Kind == ListenerKind.Inbound)
        {
            mesh.Source = PeerMetadata.Decode(context.Request.Headers[PeerMetadata.HeaderName]);
            if (context.Connection.ClientCertificate is { } peer && Mesh.Security.WorkloadCertificates.IdentityOf(peer) is { } peerId)
            {
                mesh.SourcePrincipal = peerId;
            }
        }

        try
        {
            await RouteAsync(context, mesh, routes.Current);
        }
        finally
        {
            var requestBytes = (context.Request.Body as ReplayableRequestBody)?.BytesRead ?? context.Request.ContentLength ?? 0;
            telemetry.RequestCompleted(context, mesh, requestBytes, responseBody.Written, startTime);
        }
    }

    private async Task RouteAsync(HttpContext context, MeshRequest mesh, RouteTable table)
    {
        // The server side's filters, in Envoy's order: JWT authentication and authorization, then (once the route is known) the local rate limit.
        if (mesh.Listener.Kind != ListenerKind.Outbound && !await AdmitAsync(context, mesh, table))
        {
            return;
        }

        var request = new HttpRequestView(context.Request);
        var listenerRoutes = table.Listener(mesh.Listener.Key) ?? (mesh.Listener.FallbackKey is { } fallback ? table.Listener(fallback) : null);
        if (listenerRoutes is null && mesh.Listener.Captures && mesh.Listener.Kind == ListenerKind.Outbound &&
            context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items.TryGetValue(ListenerMap.OriginalDestinationKey, out var dialled) == true &&
            dialled is IPEndPoint original)
        {
            if (table.RegistryOnly)
            {
                // Istio's REGISTRY_ONLY: the call goes to the BlackHoleCluster, which answers 502.
                mesh.BlackHole = true;
                await LocalReply.WriteAsync(context, 502, ResponseFlags.None, $"{context.Request.Host} is not in the mesh's registry and the outbound traffic policy is REGISTRY_ONLY", _flagsHeader);
                return;
            }

            await PassthroughAsync(context, mesh, original);
            return;
        }

        var virtualHost = listenerRoutes?.SelectVirtualHost(request.Authority);
        var route = virtualHost?.Match(request);
        if (table.RateLimits.Count > 0 && rateLimiters.Refuse(table, mesh.Listener.Kind, route) is { } limit)
        {
            await RateLimitedAsync(context, limit);
            return;
        }

        if (route is null)
        {
            await LocalReply.WriteAsync(context, 404, ResponseFlags.NoRouteFound, "", _flagsHeader);
            return;
        }

        mesh.Route = route;

        var cors = route.Rule?.CorsPolicy;
        if (cors is not null && CorsHandler.TryAnswerPreflight(context, cors))
        {
            return;
        }

        if (route.Rule?.DirectResponse is { } direct)
        {
            context.Response.StatusCode = direct.Status;
            if (direct.Body is { } body)
            {
                await context.Response.WriteAsync(body, context.RequestAborted);
            }

            return;
        }

        if (route.Rule?.Redirect is { } redirect)
        {
            context.Response.StatusCode = redirect.RedirectCode;
            context.Response.Headers.Location = RedirectLocation(context.Request, redirect);
            return;
        }

        using var routeTimeout = RouteTimeout(context, route, out var grpcDeadline);
        var cancellation = routeTimeout?.Token ?? context.RequestAborted;
        try
        {
            // The destination is chosen first so that a fault's metrics carry it, as Envoy's do.
            mesh.Destination = route.PickCluster(random);
            var cluster = mesh.Destination is null ? null : routes.Cluster(mesh.Destination.Cluster) ?? ClusterOf(table, mesh.Destination.Cluster);
            mesh.Cluster = cluster?.Config;
            mesh.ClusterState = cluster;
            if (await InjectFaultAsync(context, mesh, route, cancellation))
            {
                return;
            }

            if (cluster is null)
            {
                await LocalReply.WriteAsync(context, 503, ResponseFlags.NoClusterFound, "no cluster", _flagsHeader);
                return;
            }

            mesh.UpstreamPathAndQuery = RewritePath(context.Request, route, request);
            if (cors is not null)
            {
                context.Response.OnStarting(() =>
                {
                    CorsHandler.OnResponse(context, cors);
                    return Task.CompletedTask;
                });
            }

            await AttemptAsync(context, mesh, route, cluster, cancellation);
        }
        catch (OperationCanceledException) when (routeTimeout?.IsCancellationRequested == true && !context.RequestAborted.IsCancellationRequested)
        {
            // A gRPC caller's own deadline ran out: answer as gRPC does, DEADLINE_EXCEEDED.
            await LocalReply.WriteAsync(context, 504, ResponseFlags.UpstreamRequestTimeout, "upstream request timeout", _flagsHeader, grpcDeadline ? 4 : null);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            mesh.Flags |= ResponseFlags.DownstreamConnectionTermination;
        }
    }

    /// <summary>
    /// A captured call to a destination the mesh does not know goes where the app sent it, as Istio's default
    /// outbound policy ALLOW_ANY (Envoy's PassthroughCluster): plaintext, same protocol, no mesh policy.
    /// </summary>
    private async Task PassthroughAsync(HttpContext context, MeshRequest mesh, IPEndPoint original)
    {
        mesh.Passthrough = true;
        var config = HttpProtocol.IsHttp2(context.Request.Protocol) ? Http2 : Http11;
        var error = await forwarder.SendAsync(context, $"http://{original}", upstream.Invoker, config, HttpTransformer.Default, context.RequestAborted);
        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            mesh.Flags |= ResponseFlags.UpstreamConnectionFailure;
            await LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamConnectionFailure, $"passthrough to {original} failed: {error}", _flagsHeader);
        }
    }

    /// <summary>Request authentication, authorization and the listener's rate limit. Returns false when the request was answered.</summary>
    private async Task<bool> AdmitAsync(HttpContext context, MeshRequest mesh, RouteTable table)
    {
        var request = context.Request;
        DataPlane.Security.JwtResult jwt = DataPlane.Security.JwtResult.NoToken;
        if (!table.Jwt.IsEmpty)
        {
            jwt = table.Jwt.Authenticate(name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null,
                name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null, time);
            if (jwt.Outcome == DataPlane.Security.JwtOutcome.Invalid)
            {
                await LocalReply.WriteAsync(context, 401, ResponseFlags.Unauthorized, jwt.Error ?? "Jwt verification fails", _flagsHeader);
                return false;
            }

            foreach (var header in jwt.HeadersToRemove)
            {
                request.Headers.Remove(header);
            }

            foreach (var (name, value) in jwt.OutputHeaders)
            {
                request.Headers[name] = value;
            }
        }

        if (!table.Authorization.IsEmpty)
        {
            var decision = table.Authorization.Evaluate(new DataPlane.Security.AuthorizationRequest
            {
                SourcePrincipal = mesh.SourcePrincipal?.Principal,
                SourceIp = context.Connection.RemoteIpAddress?.ToString(),
                RequestPrincipal = jwt.Principal,
                Claims = jwt.Claims,
                Audiences = jwt.Audiences,
                Presenter = jwt.Presenter,
                Host = request.Host.Value ?? "",
                Method = request.Method,
                Path = request.Path.Value ?? "/",
                Port = mesh.Listener.Kind == ListenerKind.Inbound ? mesh.Listener.ServicePort : mesh.Listener.EndPoint.Port,
                DestinationIp = context.Connection.LocalIpAddress?.ToString(),
                Header = name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null,
                Sni = context.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>()?.HostName,
            });
            if (decision.Audited)
            {
                Log.Audited(logger, request.Method, request.Path.Value ?? "/", mesh.SourcePrincipal?.ToString() ?? "(plaintext)", decision.Allowed, decision.Reason);
            }

            if (!decision.Allowed)
            {
                Log.Denied(logger, request.Method, request.Path.Value ?? "/", mesh.SourcePrincipal?.ToString() ?? "(plaintext)", decision.Reason);
                await LocalReply.WriteAsync(context, 403, ResponseFlags.RbacAccessDenied, "RBAC: access denied", _flagsHeader);
                return false;
            }
        }

        return true;
    }

    private Task RateLimitedAsync(HttpContext context, Config.Model.Networking.LocalRateLimitPatch limit)
    {
        foreach (var (name, value) in limit.ResponseHeaders)
        {
            context.Response.Headers[name] = value;
        }

        return LocalReply.WriteAsync(context, 429, ResponseFlags.RateLimited, "local_rate_limited", _flagsHeader);
    }

    /// <summary>Delay, then abort, as the route's <c>fault</c> samples them. Returns true when the request was aborted.</summary>
    private async Task<bool> InjectFaultAsync(HttpContext context, MeshRequest mesh, CompiledRoute route, CancellationToken cancellation)
    {
        // Inbound traffic may carry a fault set at runtime on this proxy's admin port (the chaos engine's instance fault).
        var fault = FaultInjector.Decide(route.Rule?.Fault ?? (mesh.Listener.Kind == ListenerKind.Inbound ? runtime.InboundFault : null), random);
        if (fault.Delay is { } delay)
        {
            mesh.Flags |= ResponseFlags.DelayInjected;
            await Task.Delay(delay, time, cancellation);
        }

        if (!fault.Aborts)
        {
            return false;
        }

        var status = fault.AbortHttpStatus ?? 200;
        await LocalReply.WriteAsync(context, status, ResponseFlags.FaultInjected, "fault filter abort", _flagsHeader, fault.AbortGrpcStatus);
        return true;
    }

    /// <summary>
    /// The attempts, by the data plane's <see cref="AttemptLoop"/> (the simulator runs the same one): this proxy only
    /// sends each attempt with YARP's forwarder and turns how the loop ended into a local reply.
    /// </summary>
    private async Task AttemptAsync(HttpContext context, MeshRequest mesh, CompiledRoute route, ClusterState cluster, CancellationToken cancellation)
    {
        var body = new ReplayableRequestBody(context.Request.Body, ReplayableRequestBody.DefaultLimit, context.Request.ContentLength);
        context.Request.Body = body;
        if (route.Mirrors.Count > 0)
        {
            await mirror.PrepareAsync(context, route);
        }

        var loop = new AttemptLoop(route.Retry, cluster, random, time, HashKey(context, cluster.Config.Policy?.LoadBalancer?.ConsistentHash));
        mesh.Attempt = loop;
        var transport = new ForwarderTransport(forwarder, upstream, transformer, identity.Enabled, mirror, context, mesh, route, body);
        AttemptsEnd end;
        try
        {
            end = await loop.RunAsync(transport, cancellation);
        }
        finally
        {
            mesh.Flags |= loop.Flags & ResponseFlags.UpstreamRetryLimitExceeded;
        }

        switch (end)
        {
            case AttemptsEnd.NoHealthyUpstream:
                await LocalReply.WriteAsync(context, 503, ResponseFlags.NoHealthyUpstream, "no healthy upstream", _flagsHeader);
                break;
            case AttemptsEnd.Overflow:
                await LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamOverflow, "upstream connect error or disconnect/reset before headers. reset reason: overflow", _flagsHeader);
                break;
            case AttemptsEnd.NotReplayable:
                await LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamConnectionTermination, "upstream reset; the request body was too large to retry", _flagsHeader);
                break;
            case AttemptsEnd.Failed:
                await ReportErrorAsync(context, mesh, loop.Outcome!.Value, transport.LastError);
                break;
        }
    }

    /// <summary>One request's attempts over YARP's forwarder: what the loop sends and how a retry is prepared.</summary>
    private sealed class ForwarderTransport(IHttpForwarder forwarder, UpstreamInvoker upstream, MeshTransformer transformer, bool mutualTls,
        RequestMirror mirror, HttpContext context, MeshRequest mesh, CompiledRoute route, ReplayableRequestBody body) : IAttemptTransport
    {
        private bool _mirrored;

        public ForwarderError LastError { get; private set; }

        public bool BodyReplayable => body.CanReplay;

        public bool ResponseStarted => context.Response.HasStarted;

        public void OnEndpoint(EndpointState endpoint)
        {
            mesh.Endpoint = endpoint.Endpoint;
            mesh.UpstreamAuthority = UpstreamAuthority(context, mesh, route.Rule?.Rewrite);
            if (!_mirrored && route.Mirrors.Count > 0)
            {
                mirror.Mirror(context, mesh, route);
                _mirrored = true;
            }
        }

        public async ValueTask<AttemptResult> SendAsync(EndpointState endpoint, CancellationToken cancellationToken)
        {
            var cluster = mesh.Cluster!;
            var config = cluster.IsInbound
                ? (cluster.Protocol.IsHttp2() ? Http2 : Http11)
                : (endpoint.Endpoint.Workload.HasSidecar || cluster.Protocol.IsHttp2() ? Http2 : Http11);
            mesh.Attempts++;
            mesh.Outcome = null;
            var client = upstream.For(cluster.Policy?.ConnectionPool);
            var scheme = endpoint.Endpoint.MutualTls && mutualTls && !cluster.IsInbound ? "https" : "http";
            var error = await forwarder.SendAsync(context, $"{scheme}://{endpoint.Endpoint.Authority}", client, config, transformer, cancellationToken);
            LastError = error;
            if (mesh.RetryReserved)
            {
                return new AttemptResult(mesh.Outcome!.Value, RetryReserved: true);
            }

            if (error == ForwarderError.None)
            {
                return new AttemptResult(mesh.Outcome ?? AttemptOutcome.Response(context.Response.StatusCode), Delivered: true);
            }

            // The upstream answered before reading the whole body (e.g. an early 503): the answer went out whole.
            if (context.Response.HasStarted && error is ForwarderError.RequestBodyDestination or ForwarderError.RequestBodyCanceled)
            {
                return new AttemptResult(mesh.Outcome ?? AttemptOutcome.Response(context.Response.StatusCode), Delivered: true);
            }

            return new AttemptResult(mesh.Outcome ?? AttemptOutcome.Failed(Classify(error, context.Features.Get<IForwarderErrorFeature>()?.Exception)));
        }

        public bool PrepareRetry()
        {
            mesh.RetryReserved = false;
            ResetResponse(context);
            return body.Rewind();
        }
    }

    private static void ResetResponse(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Headers.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static UpstreamFailure Classify(ForwarderError error, Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TimedOut })
            {
                return UpstreamFailure.ConnectFailure;
            }

            if (e is HttpProtocolException { ErrorCode: 0x7 })
            {
                return UpstreamFailure.RefusedStream;
            }

            // A TLS handshake that failed (an untrusted certificate, a server that is not the expected identity) is a
            // connection that never came up, as Envoy counts it (UF).
            if (e is System.Security.Authentication.AuthenticationException)
            {
                return UpstreamFailure.ConnectFailure;
            }
        }

        return error is ForwarderError.RequestCreation ? UpstreamFailure.ConnectFailure : UpstreamFailure.Reset;
    }

    private Task ReportErrorAsync(HttpContext context, MeshRequest mesh, AttemptOutcome outcome, ForwarderError error) => (outcome.Failure, error) switch
    {
        (UpstreamFailure.Timeout, _) or (_, ForwarderError.RequestTimedOut) =>
            LocalReply.WriteAsync(context, 504, ResponseFlags.UpstreamRequestTimeout, "upstream request timeout", _flagsHeader),
        (_, ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient or
            ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient)
            => LocalReply.WriteAsync(context, 499, ResponseFlags.DownstreamConnectionTermination, "downstream disconnected", _flagsHeader),
        (UpstreamFailure.ConnectFailure, _) =>
            LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamConnectionFailure,
                "upstream connect error or disconnect/reset before headers. reset reason: connection failure" + TransportFailure(context), _flagsHeader),
        _ => LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamConnectionTermination, "upstream connect error or disconnect/reset before headers. reset reason: connection termination", _flagsHeader),
    };

    /// <summary>Why a TLS handshake failed, as Envoy's "transport failure reason" says it.</summary>
    private static string TransportFailure(HttpContext context)
    {
        for (var e = context.Features.Get<IForwarderErrorFeature>()?.Exception; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException tls)
            {
                return $", transport failure reason: TLS error: {tls.Message}";
            }
        }

        return "";
    }

    /// <summary>The route's timeout, or for gRPC the caller's <c>grpc-timeout</c> when it is sooner (Istio honours it).</summary>
    private static CancellationTokenSource? RouteTimeout(HttpContext context, CompiledRoute route, out bool grpcDeadline)
    {
        var timeout = route.Timeout;
        grpcDeadline = false;
        if (LocalReply.IsGrpc(context.Request) && GrpcTimeout.TryParse(context.Request.Headers["grpc-timeout"], out var deadline) && (timeout is null || deadline < timeout))
        {
            timeout = deadline;
            grpcDeadline = true;
        }

        if (timeout is null)
        {
            return null;
        }

        var source = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        source.CancelAfter(timeout.Value);
        return source;
    }

    /// <summary>The key consistent hashing uses: a header, a cookie, a query parameter or the client's address.</summary>
    private static string? HashKey(HttpContext context, ConsistentHash? hash) => hash switch
    {
        null => null,
        { HttpHeaderName: { } header } => context.Request.Headers[header].ToString() is { Length: > 0 } value ? value : null,
        { HttpCookie: { } cookie } => context.Request.Cookies[cookie.Name],
        { HttpQueryParameterName: { } parameter } => context.Request.Query[parameter].ToString() is { Length: > 0 } value ? value : null,
        { UseSourceIp: true } => context.Connection.RemoteIpAddress?.ToString(),
        _ => null,
    };

    /// <summary>Outbound hops carry the logical service name, as the app would have written it; others keep the client's.</summary>
    private static string UpstreamAuthority(HttpContext context, MeshRequest mesh, HttpRewrite? rewrite)
    {
        if (rewrite?.Authority is { } authority)
        {
            return authority;
        }

        if (mesh.Listener.Kind == ListenerKind.Outbound && mesh.Cluster is { } cluster)
        {
            return $"{Hostnames.ShortName(cluster.Host)}:{cluster.Port}";
        }

        return context.Request.Host.Value ?? "";
    }

    /// <summary>Istio's rewrite: a prefix match's prefix is replaced; otherwise the whole path; regex rewrites substitute.</summary>
    private static string? RewritePath(HttpRequest httpRequest, CompiledRoute route, IRequestView request)
    {
        var rewrite = route.Rule?.Rewrite;
        if (rewrite is null || (rewrite.Uri is null && rewrite.UriRegexRewrite is null))
        {
            return null;
        }

        var path = request.Path;
        string newPath;
        if (route.PathRegexRewriter is { } regex)
        {
            newPath = regex.Rewrite(path);
        }
        else
        {
            var matched = route.Matches.FirstOrDefault(m => m.IsMatch(request))?.Source.Uri;
            newPath = matched is { Kind: StringMatchKind.Prefix } prefix && path.StartsWith(prefix.Value, StringComparison.OrdinalIgnoreCase)
                ? rewrite.Uri + path[prefix.Value.Length..]
                : rewrite.Uri!;
        }

        return newPath + httpRequest.QueryString.Value;
    }

    private static string RedirectLocation(HttpRequest request, HttpRedirect redirect)
    {
        var scheme = redirect.Scheme ?? request.Scheme;
        var host = redirect.Authority ?? VirtualHost.StripPort(request.Host.Value ?? "");
        var port = redirect.Port is { } p ? $":{p}" : (redirect.Authority is null && request.Host.Port is { } original ? $":{original}" : "");
        var path = redirect.Uri ?? request.Path.Value;
        var query = path?.Contains('?') == true ? "" : request.QueryString.Value;
        return $"{scheme}://{host}{port}{path}{query}";
    }

    private ClusterState? ClusterOf(RouteTable table, string name) => table.Cluster(name) is { } config ? new ClusterState(config, time) : null;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "AUDIT {Method} {Path} from {Principal}: allowed={Allowed} ({Reason})")]
        public static partial void Audited(ILogger logger, string method, string path, string principal, bool allowed, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "RBAC denied {Method} {Path} from {Principal}: {Reason}")]
        public static partial void Denied(ILogger logger, string method, string path, string principal, string reason);
    }
}
