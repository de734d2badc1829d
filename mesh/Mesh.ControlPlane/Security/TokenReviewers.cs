using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Kubernetes;
using Mesh.Security;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Security;

/// <summary>Who a service-account token belongs to, or why it is not valid.</summary>
public sealed record TokenReview(bool Authenticated, string Namespace, string ServiceAccount, string? Error)
{
    public static TokenReview Refused(string error) => new(false, "", "", error);
}

/// <summary>Checks the token a proxy presents with its CSR, as istiod's CA authenticates callers.</summary>
public interface ITokenReviewer
{
    bool Enabled { get; }

    Task<TokenReview> ReviewAsync(string token, CancellationToken cancellationToken);
}

/// <summary>Under Aspire: tokens the app host signed with the shared key (it plays the API server's token issuer).</summary>
public sealed class SignedTokenReviewer(IOptions<ControlPlaneOptions> options, TimeProvider time) : ITokenReviewer
{
    private readonly byte[]? _key = string.IsNullOrEmpty(options.Value.TokenKey) ? null : Convert.FromBase64String(options.Value.TokenKey);

    public bool Enabled => _key is not null;

    public Task<TokenReview> ReviewAsync(string token, CancellationToken cancellationToken) => Task.FromResult(
        _key is null ? TokenReview.Refused("the control plane's CA is not enabled (no token key)")
        : ServiceAccountTokens.TryValidate(_key, token, time, out var ns, out var serviceAccount, out var error) ? new TokenReview(true, ns, serviceAccount, null)
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

    public async Task<TokenReview> ReviewAsync(string token, CancellationToken cancellationToken)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenReview",
            ["spec"] = new JsonObject { ["token"] = token, ["audiences"] = new JsonArray(Audience) },
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

            if (!user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) || user[ServiceAccountPrefix.Length..].Split(':') is not [var ns, var serviceAccount])
            {
                return TokenReview.Refused($"the token belongs to '{user}', not a service account");
            }

            return new TokenReview(true, ns, serviceAccount, null);
        }
        catch (HttpRequestException e)
        {
            return TokenReview.Refused($"the API server's TokenReview failed: {e.Message}");
        }
    }
}
