using System.Text.RegularExpressions;

namespace Mesh.Config.Model;

/// <summary>
/// The one regex engine of the mesh: config is validated with the same options the proxies run it with. Istio's
/// regexes are RE2, which has no backtracking; .NET's non-backtracking engine matches in linear time as RE2 does and,
/// like RE2, refuses lookarounds and backreferences, so no pattern can cost a request more than its length.
/// </summary>
public static class MeshRegex
{
    /// <summary>Istio's bound on a regex's length (its stand-in for RE2's program size).</summary>
    public const int MaxLength = 1024;

    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    /// <summary>Compiles a pattern; <paramref name="wholeValue"/> anchors it at both ends, as Envoy's safe_regex matches.</summary>
    public static Regex Create(string pattern, bool ignoreCase = false, bool wholeValue = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new Regex(wholeValue ? $"^(?:{pattern})$" : pattern, Options | (ignoreCase ? RegexOptions.IgnoreCase : 0));
    }

    /// <summary>Whether the proxies can run a pattern; otherwise why not.</summary>
    public static bool TryValidate(string pattern, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0)
        {
            error = "an empty regex matches nothing useful";
            return false;
        }

        if (pattern.Length > MaxLength)
        {
            error = $"the regex is {pattern.Length} characters long; at most {MaxLength} are allowed, as in Istio";
            return false;
        }

        try
        {
            _ = Create(pattern);
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
        catch (NotSupportedException e)
        {
            // Lookarounds, backreferences, atomic groups, conditionals: RE2 has none of them either.
            error = $"RE2 has no such construct: {e.Message}";
            return false;
        }
    }
}
