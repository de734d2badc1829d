using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Certificates made at run time for the scenarios: a test CA, server certificates for gateway TLS, client
/// certificates (valid, expired, or from another CA), all with .NET's own X509 APIs. Nothing secret is checked in.
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki(string name)
    {
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(1));
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server(string dnsName) => Issue($"CN={dnsName}", serverAuth: true, DateTimeOffset.UtcNow.AddDays(30), san => san.AddDnsName(dnsName));

    public X509Certificate2 Client(string name, bool expired = false) => Issue($"CN={name}", serverAuth: false,
        expired ? DateTimeOffset.UtcNow.AddHours(-1) : DateTimeOffset.UtcNow.AddDays(30), san => san.AddDnsName(name));

    /// <summary>A client certificate with a SPIFFE id, as a workload of another mesh would present.</summary>
    public X509Certificate2 Workload(string spiffeId) => Issue("O=mesh", serverAuth: false, DateTimeOffset.UtcNow.AddDays(1), san => san.AddUri(new Uri(spiffeId)));

    /// <summary>Writes a Kubernetes-style TLS secret folder: tls.crt, tls.key and ca.crt.</summary>
    public void WriteCredential(string directory, string name, X509Certificate2 certificate)
    {
        var folder = Directory.CreateDirectory(Path.Combine(directory, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "tls.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tls.key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(folder, "ca.crt"), Ca.ExportCertificatePem());
    }

    private X509Certificate2 Issue(string subject, bool serverAuth, DateTimeOffset notAfter, Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        var notBefore = notAfter < DateTimeOffset.UtcNow ? notAfter.AddDays(-2) : DateTimeOffset.UtcNow.AddMinutes(-5);
        using var certificate = request.Create(Ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }
}
