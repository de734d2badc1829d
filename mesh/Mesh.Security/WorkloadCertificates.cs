using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Security;

/// <summary>The workload's side of identity: its own key and CSR, and the issued certificate made usable for TLS.</summary>
public static class WorkloadCertificates
{
    /// <summary>A new P-256 key (it never leaves the workload) and a PKCS#10 request carrying the SPIFFE id as URI SAN.</summary>
    public static (ECDsa Key, string CsrPem) CreateSigningRequest(SpiffeId identity)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("O=mesh"), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(identity.ToString()));
        request.CertificateExtensions.Add(san.Build(critical: true));
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>The leaf of a PEM chain with the workload's key, in a form SslStream and Kestrel can serve on any OS.</summary>
    public static X509Certificate2 WithPrivateKey(string certificateChainPem, ECDsa key)
    {
        var chain = Chain(certificateChainPem);
        if (chain.Count == 0)
        {
            throw new FormatException("the certificate chain holds no certificate");
        }

        using var leaf = chain[0].CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
    }

    public static X509Certificate2Collection Chain(string certificateChainPem)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificateChainPem);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"the certificate chain is not valid PEM: {e.Message}", e);
        }

        return chain;
    }

    /// <summary>The certificate's SPIFFE id (its first spiffe:// URI SAN), or null.</summary>
    public static SpiffeId? IdentityOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (var uri in SubjectAlternativeNames.Uris(certificate))
        {
            if (SpiffeId.TryParse(uri, out var id, out _))
            {
                return id;
            }
        }

        return null;
    }
}
