using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Security.Tests;

public sealed class PemFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mesh-pem-").FullName;

    [Fact]
    public void LoadCertificateWithKey_ValidFiles_HasThePrivateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = new CertificateRequest("CN=bookinfo.example.com", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_folder, "tls.crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder, "tls.key"), key.ExportPkcs8PrivateKeyPem());

        using var loaded = PemFiles.LoadCertificateWithKey(Path.Combine(_folder, "tls.crt"), Path.Combine(_folder, "tls.key"));

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal("CN=bookinfo.example.com", loaded.Subject);
    }

    [Fact]
    public void Load_MissingOrMalformed_NamesTheFile()
    {
        var garbage = Path.Combine(_folder, "garbage.crt");
        File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");

        Assert.Equal(garbage, Assert.Throws<CertificateFileException>(() => PemFiles.LoadCertificates(garbage)).File);
        var missing = Path.Combine(_folder, "missing.crt");
        Assert.Contains("no such file", Assert.Throws<CertificateFileException>(() => PemFiles.LoadCertificates(missing)).Message);
        File.WriteAllText(Path.Combine(_folder, "empty.crt"), "nothing here");
        Assert.Throws<CertificateFileException>(() => PemFiles.LoadCertificates(Path.Combine(_folder, "empty.crt")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
