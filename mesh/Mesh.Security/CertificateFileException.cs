namespace Mesh.Security;

/// <summary>A certificate or key file that is missing or cannot be read, naming the file and the reason.</summary>
public sealed class CertificateFileException(string file, string reason, Exception? inner = null) : Exception($"{file}: {reason}", inner)
{
    public string File { get; } = file;

    public string Reason { get; } = reason;
}
