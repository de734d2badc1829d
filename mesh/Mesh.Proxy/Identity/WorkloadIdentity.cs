using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Contracts.Discovery;
using Mesh.Proxy.Configuration;
using Mesh.Security;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Identity;

/// <summary>
/// The proxy's mTLS identity: its SPIFFE id, its current certificate (whose key was made here and never left) and
/// the roots it trusts. Certificates are swapped atomically on rotation, so handshakes in progress keep the one they
/// started with and new ones get the new one; no request fails during a rotation.
/// </summary>
public sealed partial class WorkloadIdentity(IOptions<ProxyOptions> options, TimeProvider time, ILogger<WorkloadIdentity> logger)
{
    /// <summary>Rotate when this share of the certificate's lifetime has passed (istio-agent's default grace ratio).</summary>
    public const double RotateAt = 0.5;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ECDsa> _pending = [];
    private volatile Current? _current;
    private volatile TrustBundle? _trust;

    /// <summary>True when the proxy was given a service-account token: then it speaks mutual TLS.</summary>
    public bool Enabled { get; } = options.Value.HasServiceAccountToken;

    public SpiffeId Id { get; } = new(options.Value.TrustDomain, options.Value.Workload.Namespace, options.Value.Workload.ServiceAccount);

    public string TrustDomain => Id.TrustDomain;

    public X509Certificate2? Certificate => _current?.Certificate;

    public DateTimeOffset? NotAfter => _current?.NotAfter;

    public TrustBundle? Trust => _trust;

    /// <summary>Ready to serve mTLS: a certificate and a trust bundle are in place (always true when mTLS is off).</summary>
    public bool Ready => !Enabled || (_current is not null && _trust is not null);

    /// <summary>Makes a new key and a CSR for this identity; the key waits here for the CA's answer.</summary>
    public CertificateSigningRequest CreateRequest()
    {
        var (key, csr) = WorkloadCertificates.CreateSigningRequest(Id);
        var id = Guid.NewGuid().ToString("N");
        lock (_lock)
        {
            _pending[id] = key;
        }

        return new CertificateSigningRequest { RequestId = id, CsrPem = csr, ServiceAccountToken = options.Value.ReadServiceAccountToken() };
    }

    /// <summary>Installs the CA's answer. Returns an error to log when it cannot be used; the old certificate then stays.</summary>
    public string? Complete(CertificateResponse response)
    {
        ECDsa? key;
        lock (_lock)
        {
            _pending.Remove(response.RequestId, out key);
        }

        if (!string.IsNullOrEmpty(response.Error) || key is null)
        {
            return string.IsNullOrEmpty(response.Error) ? $"no pending request {response.RequestId}" : response.Error;
        }

        try
        {
            var certificate = WorkloadCertificates.WithPrivateKey(response.CertificateChainPem, key);
            var trust = TrustBundle.FromPem(response.TrustBundlePem);
            _trust = trust;
            _current = new Current(certificate, certificate.NotAfter.ToUniversalTime(), time.GetUtcNow());
            LogIssued(logger, Id.ToString(), certificate.NotAfter.ToUniversalTime());
            return null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or CertificateFileException)
        {
            return $"the CA's certificate could not be used: {e.Message}";
        }
        finally
        {
            key.Dispose();
        }
    }

    public string? UpdateTrust(string pem)
    {
        try
        {
            _trust = TrustBundle.FromPem(pem);
            LogTrustUpdated(logger, _trust.Roots.Count);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>When the current certificate should be replaced; immediately when there is none.</summary>
    public DateTimeOffset RotationDue()
    {
        var current = _current;
        return current is null ? time.GetUtcNow() : current.IssuedAt + ((current.NotAfter - current.IssuedAt) * RotateAt);
    }

    /// <summary>Validates a peer's certificate against the trust bundle and the trust domain; returns its identity.</summary>
    public bool TryValidatePeer(X509Certificate2? certificate, X509Chain? chain, out SpiffeId peer, out string? error)
    {
        peer = default;
        if (certificate is null || _trust is not { } trust)
        {
            error = certificate is null ? "no peer certificate" : "no trust bundle yet";
            return false;
        }

        var intermediates = new X509Certificate2Collection();
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements.Skip(1))
            {
                intermediates.Add(element.Certificate);
            }
        }

        return trust.TryValidate(certificate, intermediates, TrustDomain, time.GetUtcNow(), out peer, out error);
    }

    private sealed record Current(X509Certificate2 Certificate, DateTimeOffset NotAfter, DateTimeOffset IssuedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Certificate for {Identity} installed, valid until {NotAfter:o}")]
    private static partial void LogIssued(ILogger logger, string identity, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trust bundle updated: {Roots} root(s)")]
    private static partial void LogTrustUpdated(ILogger logger, int roots);
}
