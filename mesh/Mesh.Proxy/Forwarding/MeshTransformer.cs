using System.Diagnostics;
using Mesh.Config.Model.Networking;
using Mesh.DataPlane;
using Mesh.DataPlane.Resilience;
using Mesh.DataPlane.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Shapes each forwarded request and response the way a mesh hop does: the logical authority, the rewritten
/// path, <c>x-request-id</c>, the peer metadata exchange, the route's header operations, and
/// <c>x-envoy-upstream-service-time</c> on the way back.
/// </summary>
internal sealed class MeshTransformer(ProxyIdentity identity, Microsoft.Extensions.Options.IOptions<Configuration.ProxyOptions> options) : HttpTransformer
{
    private readonly bool _flagsHeader = options.Value.ResponseFlagsHeader;

    public const string RequestIdHeader = "x-request-id";
    public const string UpstreamServiceTimeHeader = "x-envoy-upstream-service-time";

    private readonly string _peerMetadata = PeerMetadata.From(identity.Workload).Encode();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var mesh = httpContext.Features.Get<MeshRequest>()!;
        if (mesh.UpstreamPathAndQuery is { } pathAndQuery)
        {
            var q = pathAndQuery.IndexOf('?');
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix,
                new PathString(q < 0 ? pathAndQuery : pathAndQuery[..q]), new QueryString(q < 0 ? null : pathAndQuery[q..]));
        }

        proxyRequest.Headers.Host = mesh.UpstreamAuthority ?? httpContext.Request.Host.Value;
        if (mesh.Endpoint is { MutualTls: true } endpoint && mesh.Cluster is { IsInbound: false } cluster)
        {
            // The connection this request opens (or reuses: one per endpoint and host) must prove this identity.
            proxyRequest.Options.Set(Tls.ServerIdentity.Expected, Tls.ServerIdentity.For(cluster, endpoint, options.Value.TrustDomain));
        }

        proxyRequest.Headers.Remove(PeerMetadata.HeaderName);
        if (mesh.Listener.Kind != ListenerKind.Inbound)
        {
            proxyRequest.Headers.TryAddWithoutValidation(PeerMetadata.HeaderName, _peerMetadata);
        }

        if (mesh.Listener.Kind == ListenerKind.Gateway)
        {
            var forwardedFor = httpContext.Connection.RemoteIpAddress?.ToString();
            if (forwardedFor is not null)
            {
                proxyRequest.Headers.Remove("x-forwarded-for");
                var prior = httpContext.Request.Headers["x-forwarded-for"].ToString();
                proxyRequest.Headers.TryAddWithoutValidation("x-forwarded-for", prior.Length > 0 ? $"{prior}, {forwardedFor}" : forwardedFor);
            }

            proxyRequest.Headers.Remove("x-forwarded-proto");
            proxyRequest.Headers.TryAddWithoutValidation("x-forwarded-proto", httpContext.Request.Scheme);
        }

        Apply(mesh.Route?.Rule?.Headers?.Request, proxyRequest.Headers);
        Apply(mesh.Destination?.Headers?.Request, proxyRequest.Headers);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var mesh = httpContext.Features.Get<MeshRequest>()!;
        if (proxyResponse is not null)
        {
            var grpcStatus = proxyResponse.Headers.TryGetValues("grpc-status", out var values) && int.TryParse(values.FirstOrDefault(), out var code) ? code : (int?)null;
            mesh.Outcome = AttemptOutcome.Response((int)proxyResponse.StatusCode, grpcStatus);

            // A retriable answer is held back (nothing is copied to the client) when a retry can be reserved.
            if (mesh.Route is { Retry.Retries: > 0 } && mesh.Attempt is { } attempts &&
                attempts.TryReserveRetry(mesh.Outcome.Value, (httpContext.Request.Body as Resilience.ReplayableRequestBody)?.CanReplay != false))
            {
                mesh.RetryReserved = true;
                (httpContext.Request.Body as Resilience.ReplayableRequestBody)?.Freeze();
                return false;
            }

            // Retries ran out on this answer (URX): the flag goes out with it, in the header and the metrics.
            mesh.Flags |= (mesh.Attempt?.Flags ?? ResponseFlags.None) & ResponseFlags.UpstreamRetryLimitExceeded;
        }

        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        if (mesh.Listener.Kind != ListenerKind.Inbound)
        {
            var elapsed = Stopwatch.GetElapsedTime(mesh.StartTimestamp);
            headers[UpstreamServiceTimeHeader] = ((long)elapsed.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Apply(mesh.Route?.Rule?.Headers?.Response, headers);
        Apply(mesh.Destination?.Headers?.Response, headers);
        if (_flagsHeader)
        {
            headers[LocalReply.FlagsHeader] = ResponseFlagNames.Format(mesh.Flags);
        }

        return copyBody;
    }

    private static void Apply(HeaderOperations? operations, System.Net.Http.Headers.HttpHeaders headers)
    {
        if (operations is null)
        {
            return;
        }

        foreach (var (name, value) in operations.Set)
        {
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
        }

        foreach (var (name, value) in operations.Add)
        {
            headers.TryAddWithoutValidation(name, value);
        }

        foreach (var name in operations.Remove)
        {
            headers.Remove(name);
        }
    }

    private static void Apply(HeaderOperations? operations, IHeaderDictionary headers)
    {
        if (operations is null)
        {
            return;
        }

        foreach (var (name, value) in operations.Set)
        {
            headers[name] = value;
        }

        foreach (var (name, value) in operations.Add)
        {
            headers.Append(name, value);
        }

        foreach (var name in operations.Remove)
        {
            headers.Remove(name);
        }
    }
}
