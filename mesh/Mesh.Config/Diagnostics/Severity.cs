namespace Mesh.Config.Diagnostics;

/// <summary>How bad a finding is. Errors make a config set unusable; warnings and info do not.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}
