namespace Mesh.Config.Diagnostics;

/// <summary>A stable validation code with its default severity, in the manner of <c>istioctl analyze</c>'s IST codes.</summary>
public sealed record FindingCode(string Code, string Name, Severity Severity, string Summary)
{
    public Finding At(Source.SourceSpan source, string message, string? resource = null) =>
        new(Code, Severity, source, message, resource);

    public Finding At(Source.SourceSpan source, Severity severity, string message, string? resource = null) =>
        new(Code, severity, source, message, resource);
}
