using Mesh.Config.Source;

namespace Mesh.Config.Diagnostics;

/// <summary>One validation result: a stable code, a severity, where, and what to change.</summary>
public sealed record Finding(string Code, Severity Severity, SourceSpan Source, string Message, string? Resource = null)
{
    public override string ToString() =>
        $"{Source}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}{(Resource is null ? "" : $" [{Resource}]")}";
}
