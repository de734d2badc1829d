using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mesh.Security;

/// <summary>The roots a workload trusts, and the check a peer's certificate must pass: it chains to one of these roots
/// (and no other), is in date, and carries a SPIFFE id of the mesh's trust domain.</summary>
public sealed class TrustBundle
{
    public TrustBundle(IEnumerable<X509Certificate2> roots)
    {
        Roots = roots.ToArray();
        if (Roots.Count == 0)
        {
            throw new ArgumentException("a trust bundle needs at least one root", nameof(roots));
        }
    }

    public IReadOnlyList<X509Certificate2> Roots { get; }

    public static TrustBundle FromPem(string pem)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new FormatException($"the trust bundle is not valid PEM: {e.Message}", e);
        }

        return roots.Count == 0 ? throw new FormatException("the trust bundle holds no certificate") : new TrustBundle(roots);
    }

    public string ToPem()
    {
        var pem = new StringBuilder();
        foreach (var root in Roots)
        {
            pem.Append(root.ExportCertificatePem()).Append('\n');
        }

        return pem.ToString();
    }

    public bool TryValidate(X509Certificate2 leaf, X509Certificate2Collection? intermediates, string trustDomain, DateTimeOffset now, out SpiffeId identity, out string? error)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        identity = default;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Roots.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }

        if (!chain.Build(leaf))
        {
            error = "the certificate does not chain to a trusted root: " +
                string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("untrusted"));
            return false;
        }

        if (WorkloadCertificates.IdentityOf(leaf) is not { } id)
        {
            error = "the certificate has no SPIFFE id";
            return false;
        }

        if (id.TrustDomain != trustDomain)
        {
            error = $"the certificate's trust domain '{id.TrustDomain}' is not '{trustDomain}'";
            return false;
        }

        identity = id;
        error = null;
        return true;
    }
}
