using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.DataPlane.Routing;
using Microsoft.Net.Http.Headers;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// A route's <c>corsPolicy</c>, as Envoy's CORS filter applies it: preflights from an allowed origin are answered by
/// the proxy; actual requests from an allowed origin get the allow headers on their response. Requests from other
/// origins pass through untouched.
/// </summary>
internal static class CorsHandler
{
    /// <summary>Returns true when the proxy answered a preflight itself.</summary>
    public static bool TryAnswerPreflight(HttpContext context, CorsPolicy policy)
    {
        var request = context.Request;
        if (!HttpMethods.IsOptions(request.Method) || !request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod) ||
            AllowedOrigin(request, policy) is not { } origin)
        {
            return false;
        }

        var headers = context.Response.Headers;
        headers[HeaderNames.AccessControlAllowOrigin] = origin;
        if (policy.AllowMethods.Count > 0)
        {
            headers[HeaderNames.AccessControlAllowMethods] = string.Join(',', policy.AllowMethods);
        }

        if (policy.AllowHeaders.Count > 0)
        {
            headers[HeaderNames.AccessControlAllowHeaders] = string.Join(',', policy.AllowHeaders);
        }

        if (policy.MaxAge is { } maxAge)
        {
            headers[HeaderNames.AccessControlMaxAge] = ((long)maxAge.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (policy.AllowCredentials == true)
        {
            headers[HeaderNames.AccessControlAllowCredentials] = "true";
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        return true;
    }

    /// <summary>Adds the allow headers to an actual request's response, when its origin is allowed.</summary>
    public static void OnResponse(HttpContext context, CorsPolicy policy)
    {
        if (AllowedOrigin(context.Request, policy) is not { } origin)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers[HeaderNames.AccessControlAllowOrigin] = origin;
        if (policy.ExposeHeaders.Count > 0)
        {
            headers[HeaderNames.AccessControlExposeHeaders] = string.Join(',', policy.ExposeHeaders);
        }

        if (policy.AllowCredentials == true)
        {
            headers[HeaderNames.AccessControlAllowCredentials] = "true";
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CorsPolicy, StringMatcher[]> Origins = [];

    private static string? AllowedOrigin(HttpRequest request, CorsPolicy policy)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        var matchers = Origins.GetValue(policy, p => p.AllowOrigins.Select(o => new StringMatcher(o)).ToArray());
        return matchers.Any(m => (m.Match.Kind == StringMatchKind.Exact && m.Match.Value == "*") || m.IsMatch(origin)) ? origin : null;
    }
}
