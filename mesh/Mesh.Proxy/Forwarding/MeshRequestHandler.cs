using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;
using Mesh.DataPlane;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.LoadBalancing;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Configuration;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// The proxy's request path: find the listener by local port, the virtual host by authority and the first
/// matching rule; answer redirects and direct responses; pick a weighted cluster and an endpoint; forward with
/// YARP's forwarder; turn failures into Envoy-style local replies with response flags.
/// </summary>
internal sealed class MeshRequestHandler(
    ListenerMap listeners,
    RouteTableProvider routes,
    IHttpForwarder forwarder,
    UpstreamInvoker upstream,
    MeshTransformer transformer,
    IRandomSource random,
    ProxyTelemetry telemetry,
    RequestMirror mirror,
    IOptions<ProxyOptions> options)
{
    private static readonly ForwarderRequestConfig Http2 = new() { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, ActivityTimeout = TimeSpan.FromMinutes(5) };
    private static readonly ForwarderRequestConfig Http11 = new() { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact, ActivityTimeout = TimeSpan.FromMinutes(5) };

    private readonly bool _flagsHeader = options.Value.ResponseFlagsHeader;

    public async Task HandleAsync(HttpContext context)
    {
        var listener = listeners.ForPort(context.Connection.LocalPort);
        if (listener is null)
        {
            await LocalReply.WriteAsync(context, 404, ResponseFlags.NoRouteFound, "no listener", _flagsHeader);
            return;
        }

        var mesh = new MeshRequest(listener, Stopwatch.GetTimestamp());
        context.Features.Set(mesh);
        if (listener.Kind == ListenerKind.Inbound)
        {
            mesh.Source = PeerMetadata.Decode(context.Request.Headers[PeerMetadata.HeaderName]);
        }

        try
        {
            await RouteAsync(context, mesh, routes.Current);
        }
        finally
        {
            telemetry.RequestCompleted(context, mesh);
        }
    }

    private async Task RouteAsync(HttpContext context, MeshRequest mesh, RouteTable table)
    {
        var request = new HttpRequestView(context.Request);
        var virtualHost = table.Listener(mesh.Listener.Key)?.SelectVirtualHost(request.Authority);
        var route = virtualHost?.Match(request);
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

        mesh.Destination = route.PickCluster(random);
        var cluster = mesh.Destination is null ? null : routes.Cluster(mesh.Destination.Cluster) ?? ClusterOf(table, mesh.Destination.Cluster);
        if (cluster is null)
        {
            await LocalReply.WriteAsync(context, 503, ResponseFlags.NoClusterFound, "no cluster", _flagsHeader);
            return;
        }

        mesh.Cluster = cluster.Config;
        var endpoint = cluster.Pick(new LoadBalancingContext(random, HashKey(context, cluster.Config.Policy?.LoadBalancer?.ConsistentHash)));
        if (endpoint is null)
        {
            await LocalReply.WriteAsync(context, 503, ResponseFlags.NoHealthyUpstream, "no healthy upstream", _flagsHeader);
            return;
        }

        mesh.Endpoint = endpoint.Endpoint;
        mesh.UpstreamAuthority = UpstreamAuthority(context, mesh, route.Rule?.Rewrite);
        mesh.UpstreamPathAndQuery = RewritePath(context.Request, route, request);
        if (route.Mirrors.Count > 0)
        {
            await mirror.PrepareAsync(context, route);
            mirror.Mirror(context, mesh, route);
        }

        if (cors is not null)
        {
            context.Response.OnStarting(() =>
            {
                CorsHandler.OnResponse(context, cors);
                return Task.CompletedTask;
            });
        }

        await ForwardAsync(context, mesh, endpoint);
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

    private async Task ForwardAsync(HttpContext context, MeshRequest mesh, EndpointState endpoint)
    {
        var config = mesh.Cluster!.IsInbound
            ? (mesh.Cluster.Protocol.IsHttp2() ? Http2 : Http11)
            : (endpoint.Endpoint.Workload.HasSidecar || mesh.Cluster.Protocol.IsHttp2() ? Http2 : Http11);
        endpoint.RequestStarted();
        mesh.Attempts++;
        ForwarderError error;
        try
        {
            error = await forwarder.SendAsync(context, $"http://{endpoint.Endpoint.Authority}", upstream.Invoker, config, transformer);
        }
        finally
        {
            endpoint.RequestFinished();
        }

        if (error != ForwarderError.None)
        {
            await ReportErrorAsync(context, error);
        }
        else if (_flagsHeader && !context.Response.HasStarted)
        {
            context.Response.Headers[LocalReply.FlagsHeader] = ResponseFlagNames.Format(mesh.Flags);
        }
    }

    private Task ReportErrorAsync(HttpContext context, ForwarderError error) => error switch
    {
        ForwarderError.RequestTimedOut => LocalReply.WriteAsync(context, 504, ResponseFlags.UpstreamRequestTimeout, "upstream request timeout", _flagsHeader),
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient or
            ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient
            => LocalReply.WriteAsync(context, 499, ResponseFlags.DownstreamConnectionTermination, "downstream disconnected", _flagsHeader),
        ForwarderError.Request or ForwarderError.RequestCreation
            => LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamConnectionFailure, "upstream connect error or disconnect/reset before headers. reset reason: connection failure", _flagsHeader),
        _ => LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamConnectionTermination, "upstream connect error or disconnect/reset before headers. reset reason: connection termination", _flagsHeader),
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
        if (rewrite.UriRegexRewrite is { } regex)
        {
            var replacement = Regex.Replace(regex.Rewrite, @"\\(\d)", "$$$1");
            newPath = Regex.Replace(path, regex.Match, replacement, RegexOptions.None, TimeSpan.FromMilliseconds(100));
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

    private static ClusterState? ClusterOf(RouteTable table, string name) => table.Cluster(name) is { } config ? new ClusterState(config) : null;
}
