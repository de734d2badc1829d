using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Security;

/// <summary>
/// The mesh's certificate authority, as istiod's: an ECDSA P-256 root made at first start (or loaded from files, as
/// from a mounted secret) and persisted, so a restart keeps the running mesh's trust. It signs short-lived workload
/// certificates whose only name is the requester's SPIFFE id, and it rotates its root with an overlap during which
/// both roots are trusted.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private const string RootFile = "root-cert.pem";
    private const string RootKeyFile = "root-key.pem";
    private const string PreviousFile = "previous-root-cert.pem";
    private const string PreviousUntilFile = "previous-root-until.txt";

    private readonly CertificateAuthorityOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private X509Certificate2 _root;
    private X509Certificate2? _previous;
    private DateTimeOffset _previousUntil;
    private long _issued;

    private CertificateAuthority(CertificateAuthorityOptions options, TimeProvider time, X509Certificate2 root, X509Certificate2? previous, DateTimeOffset previousUntil)
    {
        (_options, _time, _root, _previous, _previousUntil) = (options, time, root, previous, previousUntil);
    }

    public string TrustDomain => _options.TrustDomain;

    public long Issued => Interlocked.Read(ref _issued);

    /// <summary>The roots to trust now: the signing root, and the previous one while a rotation's overlap lasts.</summary>
    public TrustBundle TrustBundle
    {
        get
        {
            lock (_lock)
            {
                return _previous is not null && _time.GetUtcNow() < _previousUntil
                    ? new TrustBundle([_root, _previous])
                    : new TrustBundle([_root]);
            }
        }
    }

    public string TrustBundlePem => TrustBundle.ToPem();

    public static CertificateAuthority LoadOrCreate(CertificateAuthorityOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.RootCertificateFile is not null || options.RootKeyFile is not null)
        {
            if (options.RootCertificateFile is null || options.RootKeyFile is null)
            {
                throw new CertificateFileException(options.RootCertificateFile ?? options.RootKeyFile!, "a root needs both a certificate file and a key file");
            }

            return new CertificateAuthority(options, time, LoadRoot(options.RootCertificateFile, options.RootKeyFile), null, default);
        }

        if (options.StateDirectory is { } state && File.Exists(Path.Combine(state, RootFile)))
        {
            var root = LoadRoot(Path.Combine(state, RootFile), Path.Combine(state, RootKeyFile));
            var previousFile = Path.Combine(state, PreviousFile);
            var previous = File.Exists(previousFile) ? PemFiles.LoadCertificates(previousFile)[0] : null;
            var until = previous is not null && DateTimeOffset.TryParse(File.ReadAllText(Path.Combine(state, PreviousUntilFile)), out var u) ? u : default;
            return new CertificateAuthority(options, time, root, previous, until);
        }

        var authority = new CertificateAuthority(options, time, CreateRoot(options, time), null, default);
        authority.Persist();
        return authority;
    }

    /// <summary>Signs a CSR for exactly the requester's identity. Every problem is a <see cref="CertificateRequestException"/>.</summary>
    public IssuedCertificate Sign(string csrPem, SpiffeId requester, TimeSpan? ttl = null)
    {
        if (requester.TrustDomain != TrustDomain)
        {
            throw new CertificateRequestException($"the requester's trust domain '{requester.TrustDomain}' is not this CA's '{TrustDomain}'");
        }

        var request = LoadRequest(csrPem);
        var uris = SubjectAlternativeNames.Uris(request.CertificateExtensions);
        if (uris.Count != 1)
        {
            throw new CertificateRequestException($"the CSR must carry exactly one URI SAN (its SPIFFE id); it has {uris.Count}");
        }

        if (!SpiffeId.TryParse(uris[0], out var asked, out var error))
        {
            throw new CertificateRequestException($"the CSR's SAN '{uris[0]}' is not a SPIFFE id: {error}");
        }

        if (asked != requester)
        {
            throw new CertificateRequestException($"the CSR asks for {asked} but the requester is {requester}; a workload may only get its own identity");
        }

        var publicKey = request.PublicKey;
        var isRsa = CheckKey(publicKey);
        X509Certificate2 root;
        lock (_lock)
        {
            root = _root;
        }

        var now = _time.GetUtcNow();
        var notAfter = now + (ttl ?? _options.WorkloadCertificateTtl);
        if (notAfter > root.NotAfter)
        {
            notAfter = root.NotAfter;
        }

        var leaf = new CertificateRequest(new X500DistinguishedName("O=mesh"), publicKey, HashAlgorithmName.SHA256);
        leaf.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leaf.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | (isRsa ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.None), true));
        leaf.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(requester.ToString()));
        leaf.CertificateExtensions.Add(san.Build(critical: true));
        leaf.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var issued = leaf.Create(root, now.AddMinutes(-1), notAfter, RandomNumberGenerator.GetBytes(16));
        Interlocked.Increment(ref _issued);
        return new IssuedCertificate(issued.ExportCertificatePem() + "\n", TrustBundlePem, notAfter, requester);
    }

    /// <summary>
    /// A TLS server certificate for the control plane's own endpoints (the injection webhook), for DNS names rather
    /// than a SPIFFE id, with its private key. The API server trusts it through the webhook's caBundle: this CA's roots.
    /// </summary>
    public X509Certificate2 IssueServingCertificate(IReadOnlyList<string> dnsNames, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        X509Certificate2 root;
        lock (_lock)
        {
            root = _root;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={dnsNames[0]}, O=mesh"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = _time.GetUtcNow();
        var notAfter = now + ttl < root.NotAfter ? now + ttl : root.NotAfter;
        using var issued = request.Create(root, now.AddMinutes(-1), notAfter, RandomNumberGenerator.GetBytes(16));
        Interlocked.Increment(ref _issued);
        return X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Starts signing with a new root; the current one stays trusted for <paramref name="overlap"/>.</summary>
    public void RotateRoot(TimeSpan overlap)
    {
        lock (_lock)
        {
            _previous = _root;
            _previousUntil = _time.GetUtcNow() + overlap;
            _root = CreateRoot(_options, _time);
        }

        Persist();
    }

    public void Dispose()
    {
        _root.Dispose();
        _previous?.Dispose();
    }

    private static CertificateRequest LoadRequest(string csrPem)
    {
        try
        {
            return CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            throw new CertificateRequestException($"the CSR is not a valid PEM PKCS#10 request with a good signature: {e.Message}", e);
        }
    }

    /// <summary>Accepts EC P-256/P-384 and RSA of 2048 bits or more; returns true for RSA.</summary>
    private static bool CheckKey(PublicKey key)
    {
        if (key.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                var curve = ec.ExportParameters(false).Curve.Oid.FriendlyName;
                return curve is "nistP256" or "ECDSA_P256" or "nistP384" or "ECDSA_P384"
                    ? false
                    : throw new CertificateRequestException($"the CSR's EC key is on curve {curve}; use P-256 or P-384");
            }
        }

        if (key.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return rsa.KeySize >= 2048 ? true : throw new CertificateRequestException($"the CSR's RSA key has {rsa.KeySize} bits; at least 2048 are needed");
            }
        }

        throw new CertificateRequestException("the CSR's key is neither EC nor RSA");
    }

    private static X509Certificate2 CreateRoot(CertificateAuthorityOptions options, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"O=mesh, CN=mesh root {options.TrustDomain}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var root = request.CreateSelfSigned(now.AddMinutes(-5), now + options.RootTtl);
        return X509CertificateLoader.LoadPkcs12(root.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 LoadRoot(string certificateFile, string keyFile)
    {
        var certificate = PemFiles.LoadCertificates(certificateFile)[0];
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            throw new CertificateFileException(certificateFile, "the certificate is not a CA certificate (basicConstraints CA:TRUE)");
        }

        using var key = PemFiles.LoadPrivateKey(keyFile);
        try
        {
            using var withKey = key switch
            {
                ECDsa ec => certificate.CopyWithPrivateKey(ec),
                RSA rsa => certificate.CopyWithPrivateKey(rsa),
                _ => throw new CertificateFileException(keyFile, "unsupported key type"),
            };
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CertificateFileException(keyFile, $"the key does not match {Path.GetFileName(certificateFile)} ({e.Message})", e);
        }
    }

    private void Persist()
    {
        if (_options.StateDirectory is not { } state || _options.RootCertificateFile is not null)
        {
            return;
        }

        SecretFiles.CreateFolder(state);
        X509Certificate2 root;
        X509Certificate2? previous;
        DateTimeOffset until;
        lock (_lock)
        {
            (root, previous, until) = (_root, _previous, _previousUntil);
        }

        WriteAtomically(Path.Combine(state, RootFile), root.ExportCertificatePem());
        WriteAtomically(Path.Combine(state, RootKeyFile), root.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
        if (previous is not null)
        {
            WriteAtomically(Path.Combine(state, PreviousFile), previous.ExportCertificatePem());
            WriteAtomically(Path.Combine(state, PreviousUntilFile), until.ToString("o"));
        }
    }

    private static void WriteAtomically(string path, string text, bool secret = false)
    {
        if (secret)
        {
            SecretFiles.Write(path, text);
            return;
        }

        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
