using Mesh.DataPlane.Routing;

namespace Mesh.Proxy.Forwarding;

/// <summary>Presents an ASP.NET Core request to the route matcher.</summary>
internal sealed class HttpRequestView(HttpRequest request) : IRequestView
{
    public string Method => request.Method;

    public string Scheme => request.Scheme;

    public string Authority => request.Host.Value ?? "";

    public string Path => request.Path.Value ?? "/";

    public string? Header(string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    public string? QueryParameter(string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
