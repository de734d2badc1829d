using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Kubernetes;
using Mesh.Security;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Security;

/// <summary>Who a token belongs to, or why it is not valid.</summary>
/// <param name="Namespace">The service account's namespace (empty for a user that is not a service account).</param>
/// <param name="ServiceAccount">The service account's name (empty for a user that is not a service account).</param>
public sealed record TokenReview(bool Authenticated, string Namespace, string ServiceAccount, string? Error)
{
    /// <summary>The Kubernetes user name: <c>system:serviceaccount:ns:name</c> for a service account.</summary>
    public string User { get; init; } = ServiceAccount.Length > 0 ? $"system:serviceaccount:{Namespace}:{ServiceAccount}" : "";

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>The workload the token is bound to (the app host's tokens), when it is.</summary>
    public BoundWorkload? Workload { get; init; }

    /// <summary>The pod a Kubernetes projected token is bound to, when it is.</summary>
    public string? Pod { get; init; }

    public static TokenReview Refused(string error) => new(false, "", "", error);
}

/// <summary>Checks a bearer token, as istiod authenticates its callers: proxies' service-account tokens, and admin callers'.</summary>
public interface ITokenReviewer
{
    bool Enabled { get; }

    /// <summary>Reviews a token meant for <paramref name="audience"/> (<c>mesh-ca</c> for proxies; null for the API server's own, as kubectl's).</summary>
    Task<TokenReview> ReviewAsync(string token, CancellationToken cancellationToken, string? audience = KubernetesTokenReviewer.Audience);
}

/// <summary>Under Aspire: tokens the app host signed with the shared key (it plays the API server's token issuer).</summary>
public sealed class SignedTokenReviewer(IOptions<ControlPlaneOptions> options, TimeProvider time) : ITokenReviewer
{
    private readonly byte[]? _key = options.Value.ReadTokenKey();

    public bool Enabled => _key is not null;

    public Task<TokenReview> ReviewAsync(string token, CancellationToken cancellationToken, string? audience = KubernetesTokenReviewer.Audience) => Task.FromResult(
        _key is null ? TokenReview.Refused("the control plane has no token key, so it cannot check service-account tokens")
        : ServiceAccountTokens.TryValidate(_key, token, time, out var identity, out var error)
            ? new TokenReview(true, identity!.Namespace, identity.ServiceAccount, null) { Workload = identity.Workload }
            : TokenReview.Refused($"the service-account token is not valid: {error}"));
}

/// <summary>
/// On Kubernetes: the pod's projected service-account token (audience <c>mesh-ca</c>), checked by the API server's
/// TokenReview, whose answer names the pod's namespace and service account.
/// </summary>
public sealed class KubernetesTokenReviewer(KubernetesApi api) : ITokenReviewer
{
    public const string Audience = "mesh-ca";

    private const string ServiceAccountPrefix = "system:serviceaccount:";

    public bool Enabled => true;

    public async Task<TokenReview> ReviewAsync(string token, CancellationToken cancellationToken, string? audience = Audience)
    {
        var spec = new JsonObject { ["token"] = token };
        if (audience is not null)
        {
            spec["audiences"] = new JsonArray(audience);
        }

        var review = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenReview",
            ["spec"] = spec,
        };
        try
        {
            using var response = await api.Http.PostAsJsonAsync(new Uri(api.BaseUri, "/apis/authentication.k8s.io/v1/tokenreviews"), review, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return TokenReview.Refused($"the API server's TokenReview answered {(int)response.StatusCode}");
            }

            var status = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))?["status"];
            var user = status?["user"]?["username"]?.GetValue<string>() ?? "";
            if (status?["authenticated"]?.GetValue<bool>() != true)
            {
                return TokenReview.Refused($"the API server did not authenticate the token: {status?["error"]?.GetValue<string>() ?? "no reason given"}");
            }

            var groups = status?["user"]?["groups"] is JsonArray list ? list.Select(g => g?.GetValue<string>() ?? "").ToArray() : [];
            var pod = status?["user"]?["extra"]?["authentication.kubernetes.io/pod-name"] is JsonArray pods ? pods.FirstOrDefault()?.GetValue<string>() : null;
            if (!user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) || user[ServiceAccountPrefix.Length..].Split(':') is not [var ns, var serviceAccount])
            {
                // A user that is not a service account (an admin caller): only the admin API accepts it.
                return audience is null
                    ? new TokenReview(true, "", "", null) { User = user, Groups = groups }
                    : TokenReview.Refused($"the token belongs to '{user}', not a service account");
            }

            return new TokenReview(true, ns, serviceAccount, null) { Groups = groups, Pod = pod };
        }
        catch (HttpRequestException e)
        {
            return TokenReview.Refused($"the API server's TokenReview failed: {e.Message}");
        }
    }
}
