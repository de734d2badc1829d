namespace Mesh.Config.Registry;

/// <summary>
/// Istio host names: short names are read relative to the namespace of the resource that wrote them
/// (<c>reviews</c> in <c>default</c> is
/// <c>reviews.default.svc.cluster.local</c>), names with a dot are taken as written, and <c>*</c> prefixes are wildcards.
/// </summary>
public static class Hostnames
{
    public const string ClusterDomain = "svc.cluster.local";

    /// <summary>Istio's rule: a name without a dot gets the namespace and cluster domain; anything else is already qualified.</summary>
    public static string Qualify(string host, string ns) =>
        host == "*" || host.Contains('.') || System.Net.IPAddress.TryParse(host, out _) ? host : $"{host}.{ns}.{ClusterDomain}";

    public static string ServiceHost(string name, string ns) => $"{name}.{ns}.{ClusterDomain}";

    /// <summary>Whether a (possibly wildcard) host pattern matches a concrete host.</summary>
    public static bool Matches(string pattern, string host)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.StartsWith("*.", StringComparison.Ordinal) || pattern.StartsWith('*'))
        {
            return host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The short service name of an in-cluster host (<c>reviews</c> for <c>reviews.default.svc.cluster.local</c>).</summary>
    public static string ShortName(string host)
    {
        var dot = host.IndexOf('.');
        return dot < 0 ? host : host[..dot];
    }
}
