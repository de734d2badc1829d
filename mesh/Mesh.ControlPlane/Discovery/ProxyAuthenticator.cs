using Grpc.Core;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Security;
using Mesh.Contracts.Discovery;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// Proves who a proxy is before its stream is accepted, as istiod's XDS_AUTH does: the call's bearer token is its
/// service-account token, reviewed as the CA reviews it; the workload it says it stands beside must be of that identity,
/// and when the token is bound to one workload (the app host's tokens; a Kubernetes pod's), exactly that workload.
/// </summary>
public sealed class ProxyAuthenticator(ITokenReviewer tokens, IOptions<ControlPlaneOptions> options)
{
    /// <summary>The proved identity (<c>namespace/serviceAccount</c>), or null when discovery authentication is off.</summary>
    /// <exception cref="RpcException">Unauthenticated without a valid token, PermissionDenied for a workload the token is not.</exception>
    public async Task<string?> AuthenticateAsync(ServerCallContext context, ProxyHello hello, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(hello);
        if (!options.Value.XdsAuth)
        {
            return null;
        }

        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "a proxy must present its service-account token (authorization: Bearer <token>)"));
        }

        var review = await tokens.ReviewAsync(header["Bearer ".Length..].Trim(), cancellationToken);
        if (!review.Authenticated)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, review.Error ?? "the service-account token is not valid"));
        }

        var workload = hello.Workload;
        var claimed = $"{workload.Namespace}/{workload.ServiceAccount}";
        var proved = $"{review.Namespace}/{review.ServiceAccount}";
        if (claimed != proved)
        {
            throw Denied($"the token is for {proved}, but the proxy says its workload runs as {claimed}");
        }

        if (review.Workload is { } bound)
        {
            if (hello.ProxyId != bound.ProxyId || workload.Name != bound.Name)
            {
                throw Denied($"the token is bound to proxy {bound.ProxyId} of workload {bound.Name}, not {hello.ProxyId} of {workload.Name}");
            }

            if (workload.Labels.Count != bound.Labels.Count || workload.Labels.Any(l => !bound.Labels.TryGetValue(l.Key, out var value) || value != l.Value))
            {
                throw Denied($"the workload's labels ({Labels(workload.Labels)}) are not the ones its token is bound to ({Labels(bound.Labels)})");
            }
        }

        if (review.Pod is { } pod && hello.ProxyId != pod)
        {
            throw Denied($"the token is bound to pod {pod}, not {hello.ProxyId}");
        }

        return proved;
    }

    private static RpcException Denied(string reason) => new(new Status(StatusCode.PermissionDenied, reason));

    private static string Labels(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
