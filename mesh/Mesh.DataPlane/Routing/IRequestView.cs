namespace Mesh.DataPlane.Routing;

/// <summary>What route matching may look at in a request, independent of any HTTP server.</summary>
public interface IRequestView
{
    string Method { get; }

    string Scheme { get; }

    /// <summary>The Host header or :authority, as sent (may include a port).</summary>
    string Authority { get; }

    /// <summary>The path without the query string.</summary>
    string Path { get; }

    /// <summary>A header's value, all values joined with ','; names are case-insensitive. Null when absent.</summary>
    string? Header(string name);

    /// <summary>A query parameter's first value; null when absent.</summary>
    string? QueryParameter(string name);
}
