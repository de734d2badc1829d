namespace Mesh.Cli.Admin;

/// <summary>A finding as the admin API reports it; <see cref="Text"/> is the <c>file:line:column: severity CODE: message</c> form.</summary>
public sealed record FindingView(string Code, string Severity, string File, int Line, int Column, string Message, string? Resource, string Text, string? IstioCode = null)
{
    public bool IsError => string.Equals(Severity, "error", StringComparison.OrdinalIgnoreCase);
}
