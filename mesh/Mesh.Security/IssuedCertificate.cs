namespace Mesh.Security;

/// <summary>What the CA hands back: the chain (leaf first) and the roots to trust, both PEM.</summary>
public sealed record IssuedCertificate(string CertificateChainPem, string TrustBundlePem, DateTimeOffset NotAfter, SpiffeId Identity);
