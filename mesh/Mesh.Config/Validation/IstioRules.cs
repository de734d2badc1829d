using System.Net;
using System.Text.RegularExpressions;

namespace Mesh.Config.Validation;

/// <summary>
/// Istio's value rules, as istio/istio's <c>pkg/config/validation</c> (and its <c>agent</c> package) states them. Each
/// rule answers why a value is refused, or null when it is accepted; the readers report the answer at the value.
/// </summary>
internal static partial class IstioRules
{
    /// <summary>ValidateWildcardDomain: a DNS name of at most 255 characters whose first label may be a wildcard
    /// (<c>*</c>, <c>*foo</c>, <c>*-foo</c>); the other labels are DNS-1123 labels and the last is not all digits.</summary>
    public static string? WildcardDomain(string domain)
    {
        if (domain.Length == 0)
        {
            return "an empty host name is not allowed";
        }

        if (domain.Length > 255)
        {
            return $"host '{Short(domain)}' is longer than 255 characters";
        }

        var dot = domain.IndexOf('.');
        var first = dot < 0 ? domain : domain[..dot];
        if (!WildcardLabel().IsMatch(first))
        {
            return $"host '{domain}' is not a domain name (label '{first}' is invalid)";
        }

        return dot < 0 ? null : Labels(domain, domain[(dot + 1)..]);
    }

    /// <summary>A VirtualService host: a domain name (or a wildcard), an IP address, and never <c>*</c> alone on the mesh.</summary>
    public static string? VirtualServiceHost(string host, bool boundToMesh)
    {
        if (host == "*" && boundToMesh)
        {
            return "the wildcard host '*' is not allowed for a VirtualService bound to the mesh gateway";
        }

        return IPAddress.TryParse(host, out _) ? null : WildcardDomain(host);
    }

    /// <summary>
    /// A Gateway server's host or a Sidecar egress host: <c>namespace/dnsName</c> (namespace <c>*</c>, <c>.</c> or a
    /// DNS label; a Sidecar may prefix <c>~</c>), or for a Gateway a bare name; no short names and no partial wildcards.
    /// </summary>
    public static string? NamespaceSlashHost(string host, bool gateway)
    {
        var slash = host.IndexOf('/');
        if (slash < 0)
        {
            return gateway ? HostnamePart(host, gateway) : $"host '{host}' must be of the form namespace/dnsName";
        }

        var ns = host[..slash];
        var name = host[(slash + 1)..];
        if (ns.Length == 0 || name.Length == 0)
        {
            return $"host '{host}': the namespace and the DNS name cannot be empty";
        }

        var bare = gateway ? ns : ns.TrimStart('~');
        if (bare is not ("*" or ".") && !DnsLabel().IsMatch(bare))
        {
            return $"host '{host}': '{ns}' is not a namespace";
        }

        return HostnamePart(name, gateway);
    }

    private static string? HostnamePart(string host, bool gateway)
    {
        if (host != "*" && !host.Contains('.'))
        {
            return $"host '{host}' is a short name; a Gateway or Sidecar needs a fully qualified one";
        }

        if (WildcardDomain(host) is { } problem && !(gateway && IPAddress.TryParse(host, out _)))
        {
            return problem;
        }

        var star = host.IndexOf('*');
        return star < 0 || host == "*" || (star == 0 && host.StartsWith("*.", StringComparison.Ordinal) && host.IndexOf('*', 1) < 0)
            ? null
            : $"host '{host}' has a partial wildcard; '*' is allowed only as the whole first label ('*.example.com')";
    }

    /// <summary>ValidateIPSubnet: an IP address or a CIDR block.</summary>
    public static string? IpOrCidr(string value)
    {
        if (value.Contains('/'))
        {
            return IPNetwork.TryParse(value, out _) ? null : $"'{value}' is not a valid CIDR block";
        }

        return IPAddress.TryParse(value, out _) ? null : $"'{value}' is not an IP address";
    }

    /// <summary>A port given as text (AuthorizationPolicy operation ports, <c>destination.port</c>): 0 to 65535, as Istio's ValidatePorts.</summary>
    public static string? PortText(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? null
            : $"'{value}' is not a port (0-65535)";

    public static string? NotEmpty(string value) => value.Length == 0 ? "an empty value is not allowed" : null;

    /// <summary>An HTTP header name as Istio's validHeaderNameRegex has it (RFC 7230 token characters).</summary>
    public static string? HeaderName(string name) =>
        name.Length == 0 ? "a header name cannot be empty"
        : HeaderToken().IsMatch(name) ? null
        : $"'{name}' is not a valid header name";

    /// <summary>ValidateHTTPHeaderNameOrJwtClaimRoute: a header name, an HTTP/2 pseudo-header, or <c>@request.auth.claims.*</c>.</summary>
    public static string? HeaderNameOrClaim(string name) =>
        IsClaim(name) || name is ":method" or ":scheme" or ":authority" or ":path" or ":status" ? null : HeaderName(name);

    /// <summary>Routing on a JWT claim: <c>@request.auth.claims.name</c> or <c>@request.auth.claims[name]</c>.</summary>
    public static bool IsClaim(string name) =>
        name.StartsWith("@request.auth.claims.", StringComparison.Ordinal) && name.Length > "@request.auth.claims.".Length ||
        name.StartsWith("@request.auth.claims[", StringComparison.Ordinal) && name.EndsWith(']') && name.Length > "@request.auth.claims[]".Length;

    /// <summary>validateSubsetName: a DNS-1123 label.</summary>
    public static string? SubsetName(string name) =>
        name.Length == 0 ? "a subset name cannot be empty"
        : DnsLabel().IsMatch(name) ? null
        : $"subset name '{name}' is not a DNS-1123 label (letters, digits and '-', at most 63)";

    /// <summary>
    /// The keys an AuthorizationPolicy condition may use (Istio's <c>security/authz/model</c> attributes): fixed names,
    /// and <c>request.headers[…]</c>, <c>request.auth.claims[…]</c> and <c>experimental.envoy.filters.*[…]</c>.
    /// </summary>
    public static string? ConditionKey(string key)
    {
        if (key is "source.ip" or "remote.ip" or "source.namespace" or "source.principal" or "source.serviceAccount" or
            "source.trustDomain" or "request.auth.principal" or "request.auth.audiences" or "request.auth.presenter" or
            "destination.ip" or "destination.port" or "connection.sni")
        {
            return null;
        }

        if (key is "destination.namespace" or "destination.name" or "destination.user" || key.StartsWith("destination.labels", StringComparison.Ordinal))
        {
            return $"'{key}' is not a condition key any more: the policy's namespace and its selector say which workloads it applies to";
        }

        foreach (var prefix in (string[])["request.headers[", "request.auth.claims[", "experimental.envoy.filters."])
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                var open = key.IndexOf('[', StringComparison.Ordinal);
                return open > 0 && key.EndsWith(']') && key.Length - open > 2 ? null : $"'{key}' must name its item in brackets, e.g. {prefix.TrimEnd('[')}[name]";
            }
        }

        return $"'{key}' is not a condition key; use e.g. request.headers[name], source.ip, remote.ip, source.namespace, source.principal, request.auth.claims[name], destination.port or connection.sni";
    }

    /// <summary>A URL with a scheme and a host (RequestAuthentication <c>jwksUri</c>).</summary>
    public static string? Url(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? null
            : $"'{Short(value)}' is not an http or https URL with a host";

    private static string? Labels(string domain, string rest)
    {
        var labels = rest.Split('.');
        if (int.TryParse(labels[^1], out _))
        {
            return $"host '{domain}': the top-level domain '{labels[^1]}' cannot be all digits";
        }

        for (var i = 0; i < labels.Length; i++)
        {
            // A trailing dot (an unambiguous 'istio.io.') leaves an empty last label, which Istio allows.
            if (!(i == labels.Length - 1 && labels[i].Length == 0) && !DnsLabel().IsMatch(labels[i]))
            {
                return $"host '{domain}' is not a domain name (label '{labels[i]}' is invalid)";
            }
        }

        return null;
    }

    private static string Short(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex("^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^(\*|(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)$")]
    private static partial Regex WildcardLabel();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$")]
    private static partial Regex HeaderToken();
}
