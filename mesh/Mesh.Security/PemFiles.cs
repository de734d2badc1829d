using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Security;

/// <summary>Certificates and keys from PEM files (gateway TLS, a mounted CA root), with errors that name the file.</summary>
public static class PemFiles
{
    public static X509Certificate2 LoadCertificateWithKey(string certificateFile, string privateKeyFile)
    {
        RequireFile(certificateFile);
        RequireFile(privateKeyFile);
        var certificates = LoadCertificates(certificateFile);
        try
        {
            using var withKey = X509Certificate2.CreateFromPemFile(certificateFile, privateKeyFile);
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CertificateFileException(privateKeyFile, $"no private key matching {Path.GetFileName(certificateFile)} could be read ({e.Message})", e);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    public static X509Certificate2Collection LoadCertificates(string file)
    {
        RequireFile(file);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException(file, $"not a valid PEM certificate ({e.Message})", e);
        }

        return certificates.Count == 0 ? throw new CertificateFileException(file, "holds no PEM certificate") : certificates;
    }

    /// <summary>A private key (PKCS#8, EC or RSA PEM) from a file.</summary>
    public static AsymmetricAlgorithm LoadPrivateKey(string file)
    {
        RequireFile(file);
        var pem = File.ReadAllText(file);
        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return rsa;
            }
            catch (Exception inner) when (inner is CryptographicException or ArgumentException)
            {
                throw new CertificateFileException(file, "not a PEM private key (PKCS#8, EC or RSA)", inner);
            }
        }
    }

    private static void RequireFile(string file)
    {
        if (!File.Exists(file))
        {
            throw new CertificateFileException(file, "no such file");
        }
    }
}
