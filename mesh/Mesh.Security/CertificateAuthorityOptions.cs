namespace Mesh.Security;

/// <summary>How the CA gets its root and how long the certificates it signs live.</summary>
public sealed record CertificateAuthorityOptions
{
    public string TrustDomain { get; init; } = "cluster.local";

    /// <summary>Where a generated root is kept (PEM), so a restart signs with the same root.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Load the root from these files instead (a mounted secret): a PEM certificate and its PEM private key.</summary>
    public string? RootCertificateFile { get; init; }

    public string? RootKeyFile { get; init; }

    public TimeSpan WorkloadCertificateTtl { get; init; } = TimeSpan.FromHours(24);

    public TimeSpan RootTtl { get; init; } = TimeSpan.FromDays(3650);
}
