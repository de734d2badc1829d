using Mesh.Config.Source;

namespace Mesh.Config.Model;

/// <summary>How a <see cref="StringMatch"/> compares.</summary>
public enum StringMatchKind
{
    Exact,
    Prefix,
    Regex,
}

/// <summary>Istio's StringMatch: exactly one of <c>exact</c>, <c>prefix</c> or <c>regex</c> (RE2 syntax, full match).</summary>
public sealed record StringMatch(StringMatchKind Kind, string Value, SourceSpan Source)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Value}";
}
