using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Security.Tests;

public sealed class CertificateAuthorityTests : IDisposable
{
    private static readonly SpiffeId Reviews = new("cluster.local", "default", "bookinfo-reviews");
    private static readonly SpiffeId Ratings = new("cluster.local", "default", "bookinfo-ratings");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly string _state = Path.Combine(Path.GetTempPath(), "mesh-ca-test-" + Guid.NewGuid().ToString("N")[..8]);

    private CertificateAuthority Create(TimeSpan? ttl = null) => CertificateAuthority.LoadOrCreate(
        new CertificateAuthorityOptions { StateDirectory = _state, WorkloadCertificateTtl = ttl ?? TimeSpan.FromHours(24) }, _time);

    [Fact]
    public void Sign_OwnIdentity_IssuesAShortLivedSpiffeCertificateThatChainsToTheRoot()
    {
        using var ca = Create(TimeSpan.FromSeconds(30));
        var (key, csr) = WorkloadCertificates.CreateSigningRequest(Reviews);

        var issued = ca.Sign(csr, Reviews);
        using var leaf = WorkloadCertificates.WithPrivateKey(issued.CertificateChainPem, key);

        Assert.Equal(Reviews, WorkloadCertificates.IdentityOf(leaf));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), issued.NotAfter);
        Assert.True(leaf.HasPrivateKey);
        Assert.Contains(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
        Assert.True(ca.TrustBundle.TryValidate(leaf, null, "cluster.local", _time.GetUtcNow(), out var id, out var error), error);
        Assert.Equal(Reviews, id);
        Assert.Equal(1, ca.Issued);
    }

    [Fact]
    public void Sign_CsrForAnotherIdentity_IsRefused()
    {
        using var ca = Create();
        var (_, csr) = WorkloadCertificates.CreateSigningRequest(Ratings);

        var error = Assert.Throws<CertificateRequestException>(() => ca.Sign(csr, Reviews));

        Assert.Contains("may only get its own identity", error.Message);
    }

    [Fact]
    public void Sign_OtherTrustDomain_IsRefused()
    {
        using var ca = Create();
        var other = Reviews with { TrustDomain = "example.org" };
        var (_, csr) = WorkloadCertificates.CreateSigningRequest(other);

        Assert.Throws<CertificateRequestException>(() => ca.Sign(csr, other));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a csr")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")]
    public void Sign_MalformedCsr_IsACertificateRequestException(string csr)
    {
        using var ca = Create();

        Assert.Throws<CertificateRequestException>(() => ca.Sign(csr, Reviews));
    }

    [Fact]
    public void Sign_CsrWithoutSan_IsRefused()
    {
        using var ca = Create();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=no-san", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        var error = Assert.Throws<CertificateRequestException>(() => ca.Sign(csr, Reviews));

        Assert.Contains("exactly one URI SAN", error.Message);
    }

    [Fact]
    public void LoadOrCreate_Twice_LoadsThePersistedRoot()
    {
        string first;
        using (var ca = Create())
        {
            first = ca.TrustBundlePem;
        }

        using var again = Create();

        Assert.Equal(first, again.TrustBundlePem);
    }

    [Fact]
    public void LoadOrCreate_MalformedRootFile_NamesTheFile()
    {
        Directory.CreateDirectory(_state);
        var cert = Path.Combine(_state, "ca.pem");
        var key = Path.Combine(_state, "ca-key.pem");
        File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
        File.WriteAllText(key, "not a key");

        var error = Assert.Throws<CertificateFileException>(() => CertificateAuthority.LoadOrCreate(
            new CertificateAuthorityOptions { RootCertificateFile = cert, RootKeyFile = key }, _time));

        Assert.Equal(cert, error.File);
    }

    [Fact]
    public void LoadOrCreate_FromFiles_SignsWithThatRoot()
    {
        string certFile, keyFile;
        using (var generated = Create())
        {
            (certFile, keyFile) = (Path.Combine(_state, "root-cert.pem"), Path.Combine(_state, "root-key.pem"));
        }

        using var ca = CertificateAuthority.LoadOrCreate(new CertificateAuthorityOptions { RootCertificateFile = certFile, RootKeyFile = keyFile }, _time);
        var (key, csr) = WorkloadCertificates.CreateSigningRequest(Reviews);
        using var leaf = WorkloadCertificates.WithPrivateKey(ca.Sign(csr, Reviews).CertificateChainPem, key);

        Assert.True(TrustBundle.FromPem(File.ReadAllText(certFile)).TryValidate(leaf, null, "cluster.local", _time.GetUtcNow(), out _, out var error), error);
    }

    [Fact]
    public void RotateRoot_BothRootsTrustedDuringTheOverlap_OnlyTheNewOneAfter()
    {
        using var ca = Create();
        var (oldKey, oldCsr) = WorkloadCertificates.CreateSigningRequest(Reviews);
        using var oldLeaf = WorkloadCertificates.WithPrivateKey(ca.Sign(oldCsr, Reviews).CertificateChainPem, oldKey);

        ca.RotateRoot(TimeSpan.FromMinutes(10));
        var (newKey, newCsr) = WorkloadCertificates.CreateSigningRequest(Reviews);
        using var newLeaf = WorkloadCertificates.WithPrivateKey(ca.Sign(newCsr, Reviews).CertificateChainPem, newKey);

        Assert.Equal(2, ca.TrustBundle.Roots.Count);
        Assert.True(ca.TrustBundle.TryValidate(oldLeaf, null, "cluster.local", _time.GetUtcNow(), out _, out _));
        Assert.True(ca.TrustBundle.TryValidate(newLeaf, null, "cluster.local", _time.GetUtcNow(), out _, out _));

        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.Single(ca.TrustBundle.Roots);
        Assert.False(ca.TrustBundle.TryValidate(oldLeaf, null, "cluster.local", _time.GetUtcNow(), out _, out _));
        Assert.True(ca.TrustBundle.TryValidate(newLeaf, null, "cluster.local", _time.GetUtcNow(), out _, out _));
        using var restarted = Create();
        Assert.Equal(ca.TrustBundlePem, restarted.TrustBundlePem);
    }

    [Fact]
    public void TryValidate_ExpiredLeaf_OrAnotherCa_IsRefused()
    {
        using var ca = Create(TimeSpan.FromSeconds(30));
        using var other = CertificateAuthority.LoadOrCreate(new CertificateAuthorityOptions(), _time);
        var (key, csr) = WorkloadCertificates.CreateSigningRequest(Reviews);
        using var leaf = WorkloadCertificates.WithPrivateKey(ca.Sign(csr, Reviews).CertificateChainPem, key);
        var (otherKey, otherCsr) = WorkloadCertificates.CreateSigningRequest(Reviews);
        using var foreign = WorkloadCertificates.WithPrivateKey(other.Sign(otherCsr, Reviews).CertificateChainPem, otherKey);

        Assert.False(ca.TrustBundle.TryValidate(foreign, null, "cluster.local", _time.GetUtcNow(), out _, out var foreignError));
        Assert.Contains("does not chain", foreignError);
        Assert.False(ca.TrustBundle.TryValidate(leaf, null, "cluster.local", _time.GetUtcNow().AddMinutes(5), out _, out _));
        Assert.False(ca.TrustBundle.TryValidate(leaf, null, "example.org", _time.GetUtcNow(), out _, out var domainError));
        Assert.Contains("trust domain", domainError);
    }

    public void Dispose()
    {
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }
}
