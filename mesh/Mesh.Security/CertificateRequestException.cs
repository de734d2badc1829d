namespace Mesh.Security;

/// <summary>A certificate signing request the CA refuses, with the reason in words.</summary>
public sealed class CertificateRequestException(string message, Exception? inner = null) : Exception(message, inner);
