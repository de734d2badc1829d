using System.Net;

namespace Mesh.DataPlane.Security;

/// <summary>Istio's value matching in authorization policies: exact, <c>prefix*</c>, <c>*suffix</c>, and <c>*</c> for "present".</summary>
internal static class ValuePatterns
{
    public static bool Matches(string pattern, string? value, bool ignoreCase = false)
    {
        if (value is null)
        {
            return false;
        }

        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (pattern == "*")
        {
            return value.Length > 0;
        }

        if (pattern.EndsWith('*'))
        {
            return value.StartsWith(pattern[..^1], comparison);
        }

        return pattern.StartsWith('*') ? value.EndsWith(pattern[1..], comparison) : string.Equals(pattern, value, comparison);
    }

    public static bool Any(IReadOnlyList<string> patterns, string? value, bool ignoreCase = false) =>
        patterns.Any(p => Matches(p, value, ignoreCase));

    /// <summary>An IP or CIDR block (<c>10.0.0.0/8</c>, <c>127.0.0.1</c>) containing an address.</summary>
    public static bool InBlock(string block, string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip))
        {
            return false;
        }

        if (!block.Contains('/'))
        {
            return IPAddress.TryParse(block, out var single) && single.Equals(ip);
        }

        return IPNetwork.TryParse(block, out var network) && network.Contains(ip);
    }
}
