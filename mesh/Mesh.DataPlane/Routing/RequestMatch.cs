using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.Routing;

/// <summary>
/// One compiled match block. Conditions that depend only on who the proxy is (<c>sourceLabels</c>, <c>gateways</c>,
/// <c>sourceNamespace</c>, <c>port</c>) were settled when the table was built; what remains is checked per request.
/// </summary>
public sealed class RequestMatch
{
    private readonly StringMatcher? _uri;
    private readonly StringMatcher? _scheme;
    private readonly StringMatcher? _method;
    private readonly StringMatcher? _authority;
    private readonly (string Name, StringMatcher Matcher)[] _headers;
    private readonly (string Name, StringMatcher Matcher)[] _query;
    private readonly (string Name, StringMatcher Matcher)[] _withoutHeaders;

    public RequestMatch(HttpMatchRequest match)
    {
        Source = match;
        _uri = match.Uri is null ? null : new StringMatcher(match.Uri, match.IgnoreUriCase && match.Uri.Kind != Config.Model.StringMatchKind.Regex);
        _scheme = match.Scheme is null ? null : new StringMatcher(match.Scheme);
        _method = match.Method is null ? null : new StringMatcher(match.Method);
        _authority = match.Authority is null ? null : new StringMatcher(match.Authority);
        _headers = match.Headers.Select(h => (h.Key, new StringMatcher(h.Value))).ToArray();
        _query = match.QueryParams.Select(h => (h.Key, new StringMatcher(h.Value))).ToArray();
        _withoutHeaders = match.WithoutHeaders.Select(h => (h.Key, new StringMatcher(h.Value))).ToArray();
    }

    public HttpMatchRequest Source { get; }

    /// <summary>The request-path check: every condition set must hold.</summary>
    public bool IsMatch(IRequestView request)
    {
        if ((_uri is not null && !_uri.IsMatch(request.Path)) ||
            (_method is not null && !_method.IsMatch(request.Method)) ||
            (_authority is not null && !_authority.IsMatch(request.Authority)) ||
            (_scheme is not null && !_scheme.IsMatch(request.Scheme)))
        {
            return false;
        }

        foreach (var (name, matcher) in _headers)
        {
            if (!matcher.IsMatch(request.Header(name)))
            {
                return false;
            }
        }

        foreach (var (name, matcher) in _query)
        {
            if (!matcher.IsMatch(request.QueryParameter(name)))
            {
                return false;
            }
        }

        foreach (var (name, matcher) in _withoutHeaders)
        {
            if (matcher.IsMatch(request.Header(name)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Evaluates the block; when <paramref name="why"/> is given, records each condition and its result.</summary>
    public bool Explain(IRequestView request, List<string>? why)
    {
        var ok = true;
        ok &= Check(_uri, request.Path, "uri", why);
        ok &= Check(_scheme, request.Scheme, "scheme", why);
        ok &= Check(_method, request.Method, "method", why);
        ok &= Check(_authority, request.Authority, "authority", why);
        foreach (var (name, matcher) in _headers)
        {
            ok &= Check(matcher, request.Header(name), $"headers[{name}]", why);
        }

        foreach (var (name, matcher) in _query)
        {
            ok &= Check(matcher, request.QueryParameter(name), $"queryParams[{name}]", why);
        }

        foreach (var (name, matcher) in _withoutHeaders)
        {
            var value = request.Header(name);
            var absent = !matcher.IsMatch(value);
            why?.Add($"withoutHeaders[{name}] {matcher}: {(absent ? "ok" : "FAILED")} (value {Show(value)})");
            ok &= absent;
        }

        return ok;
    }

    private static bool Check(StringMatcher? matcher, string? value, string what, List<string>? why)
    {
        if (matcher is null)
        {
            return true;
        }

        var ok = matcher.IsMatch(value);
        why?.Add($"{what} {matcher}: {(ok ? "ok" : "FAILED")} (value {Show(value)})");
        return ok;
    }

    private static string Show(string? value) => value is null ? "absent" : $"'{value}'";
}
