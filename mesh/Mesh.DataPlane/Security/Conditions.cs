using Mesh.Config.Model.Security;

namespace Mesh.DataPlane.Security;

/// <summary>Istio's <c>when</c> conditions: a key names an attribute of the request; one of <c>values</c> must match and none of <c>notValues</c>.</summary>
internal static class Conditions
{
    public static bool Holds(RuleCondition condition, AuthorizationRequest request)
    {
        var actual = Values(condition.Key, request);
        if (actual is null)
        {
            return false;
        }

        return (condition.Values.Count == 0 || actual.Any(a => Matches(condition.Key, condition.Values, a))) &&
            !actual.Any(a => Matches(condition.Key, condition.NotValues, a));
    }

    private static bool Matches(string key, IReadOnlyList<string> patterns, string value) =>
        key is "source.ip" or "remote.ip" or "destination.ip"
            ? patterns.Any(p => ValuePatterns.InBlock(p, value))
            : ValuePatterns.Any(patterns, value);

    /// <summary>The request's values for a key; null for unknown keys, which therefore never match.</summary>
    private static IReadOnlyList<string>? Values(string key, AuthorizationRequest request)
    {
        static IReadOnlyList<string> One(string? value) => value is null ? [] : [value];

        if (Indexed(key, "request.headers[") is { } header)
        {
            return One(request.Header(header));
        }

        if (key.StartsWith("request.auth.claims[", StringComparison.Ordinal))
        {
            var names = key["request.auth.claims".Length..].Trim('[', ']').Split("][");
            return request.Claims.TryGetValue(string.Join('.', names), out var claim) ? claim : [];
        }

        return key switch
        {
            "source.ip" => One(request.SourceIp),
            "remote.ip" => One(request.RemoteIp),
            "source.namespace" => One(request.SourceNamespace),
            "source.principal" => One(request.SourcePrincipal),
            "source.serviceAccount" => One(request.SourceServiceAccount),
            "source.trustDomain" => One(request.SourceTrustDomain),
            "request.auth.principal" => One(request.RequestPrincipal),
            "request.auth.audiences" => request.Audiences,
            "request.auth.presenter" => One(request.Presenter),
            "destination.ip" => One(request.DestinationIp),
            "destination.port" => One(request.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "connection.sni" => One(request.Sni),
            _ => null,
        };
    }

    private static string? Indexed(string key, string prefix) =>
        key.StartsWith(prefix, StringComparison.Ordinal) && key.EndsWith(']') ? key[prefix.Length..^1] : null;
}
