namespace Mesh.Config.Diagnostics;

/// <summary>
/// A stable validation code with its default severity, in the manner of <c>istioctl analyze</c>'s IST codes; where
/// Istio reports the same problem, <see cref="IstioCode"/> is the code Istio gives it.
/// </summary>
public sealed record FindingCode(string Code, string Name, Severity Severity, string Summary, string? IstioCode = null)
{
    public Finding At(Source.SourceSpan source, string message, string? resource = null) =>
        new(Code, Severity, source, message, resource) { IstioCode = IstioCode };

    public Finding At(Source.SourceSpan source, Severity severity, string message, string? resource = null) =>
        new(Code, severity, source, message, resource) { IstioCode = IstioCode };
}
