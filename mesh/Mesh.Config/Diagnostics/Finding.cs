using Mesh.Config.Source;

namespace Mesh.Config.Diagnostics;

/// <summary>One validation result: a stable code, a severity, where, and what to change.</summary>
public sealed record Finding(string Code, Severity Severity, SourceSpan Source, string Message, string? Resource = null)
{
    /// <summary>The code <c>istioctl analyze</c> gives the same problem (<c>IST0106</c> …), when it has one.</summary>
    public string? IstioCode { get; init; }

    public override string ToString() =>
        $"{Source}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}{(Resource is null ? "" : $" [{Resource}]")}{(IstioCode is null ? "" : $" ({IstioCode})")}";
}
