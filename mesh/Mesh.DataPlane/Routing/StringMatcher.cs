using System.Text.RegularExpressions;
using Mesh.Config.Model;

namespace Mesh.DataPlane.Routing;

/// <summary>A compiled <see cref="StringMatch"/>. Regexes match the whole value, as Envoy's safe_regex does.</summary>
public sealed class StringMatcher
{
    private readonly Regex? _regex;
    private readonly StringComparison _comparison;

    public StringMatcher(StringMatch match, bool ignoreCase = false)
    {
        Match = match;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (match.Kind == StringMatchKind.Regex)
        {
            _regex = MeshRegex.Create(match.Value, ignoreCase, wholeValue: true);
        }
    }

    public StringMatch Match { get; }

    public bool IsMatch(string? value) => value is not null && Match.Kind switch
    {
        StringMatchKind.Exact => string.Equals(value, Match.Value, _comparison),
        StringMatchKind.Prefix => value.StartsWith(Match.Value, _comparison),
        _ => _regex!.IsMatch(value),
    };

    public override string ToString() => Match.ToString();
}
