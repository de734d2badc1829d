using System.Collections.Specialized;
using System.Web;

namespace Mesh.DataPlane.Routing;

/// <summary>A plain request description, for tests, <c>meshctl route explain</c> and simulation.</summary>
public sealed class RequestView : IRequestView
{
    private readonly Dictionary<string, string> _headers;
    private readonly NameValueCollection _query;

    public RequestView(string method, string authority, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers = null, string scheme = "http")
    {
        Method = method;
        Authority = authority;
        Scheme = scheme;
        var q = pathAndQuery.IndexOf('?');
        Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        _query = HttpUtility.ParseQueryString(q < 0 ? "" : pathAndQuery[(q + 1)..]);
        _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers ?? [])
        {
            _headers[name] = _headers.TryGetValue(name, out var existing) ? $"{existing},{value}" : value;
        }
    }

    public string Method { get; }

    public string Scheme { get; }

    public string Authority { get; }

    public string Path { get; }

    public string? Header(string name) => _headers.GetValueOrDefault(name);

    public string? QueryParameter(string name) => _query[name];
}
