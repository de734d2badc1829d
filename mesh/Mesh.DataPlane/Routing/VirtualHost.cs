using Mesh.Config.Registry;

namespace Mesh.DataPlane.Routing;

/// <summary>The routes of a listener for a set of domains, evaluated in order: first match wins.</summary>
public sealed class VirtualHost(string name, IReadOnlyList<string> domains, IReadOnlyList<CompiledRoute> routes)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Domains { get; } = domains;

    public IReadOnlyList<CompiledRoute> Routes { get; } = routes;

    public CompiledRoute? Match(IRequestView request)
    {
        foreach (var route in Routes)
        {
            if (route.IsMatch(request))
            {
                return route;
            }
        }

        return null;
    }

    /// <summary>Whether the virtual host serves an authority (the port, if any, is ignored).</summary>
    public bool Serves(string authority)
    {
        var host = StripPort(authority);
        return Domains.Any(d => Hostnames.Matches(d, host));
    }

    public static string StripPort(string authority)
    {
        if (authority.StartsWith('['))
        {
            var end = authority.IndexOf(']');
            return end < 0 ? authority : authority[..(end + 1)];
        }

        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }
}
