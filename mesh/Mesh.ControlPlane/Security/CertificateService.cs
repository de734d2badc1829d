using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Telemetry;
using Mesh.Contracts.Discovery;
using Mesh.Security;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Security;

/// <summary>
/// The control plane as certificate authority, as istiod's CA: it checks who asks (the service-account token the app
/// host gave the sidecar), checks the CSR is for that identity only, and signs a short-lived SPIFFE certificate.
/// </summary>
public sealed partial class CertificateService(
    IOptions<ControlPlaneOptions> options,
    ITokenReviewer tokens,
    ControlPlaneMetrics metrics,
    TimeProvider time,
    ILogger<CertificateService> logger) : IDisposable
{
    private readonly Lazy<CertificateAuthority> _authority = new(() => CertificateAuthority.LoadOrCreate(new CertificateAuthorityOptions
    {
        TrustDomain = options.Value.TrustDomain,
        StateDirectory = options.Value.StateDirectory,
        RootCertificateFile = options.Value.RootCertificateFile,
        RootKeyFile = options.Value.RootKeyFile,
        WorkloadCertificateTtl = options.Value.CertificateTtl,
    }, time));

    public bool Enabled => tokens.Enabled;

    public CertificateAuthority Authority => _authority.Value;

    public async Task<CertificateResponse> SignAsync(ProxyConnection connection, CertificateSigningRequest request, CancellationToken cancellationToken)
    {
        var response = new CertificateResponse { RequestId = request.RequestId };
        metrics.CertificateRequested();
        if (!tokens.Enabled)
        {
            response.Error = "the control plane's CA is not enabled (no token key)";
            return response;
        }

        var review = await tokens.ReviewAsync(request.ServiceAccountToken, cancellationToken);
        if (!review.Authenticated)
        {
            return Refuse(connection, response, review.Error ?? "the service-account token is not valid");
        }

        var (ns, serviceAccount) = (review.Namespace, review.ServiceAccount);

        if (ns != connection.Workload.Namespace || serviceAccount != connection.Workload.ServiceAccount)
        {
            return Refuse(connection, response,
                $"the token is for {ns}/{serviceAccount} but the proxy registered as {connection.Workload.Namespace}/{connection.Workload.ServiceAccount}");
        }

        try
        {
            var issued = Authority.Sign(request.CsrPem, new SpiffeId(Authority.TrustDomain, ns, serviceAccount));
            response.CertificateChainPem = issued.CertificateChainPem;
            response.TrustBundlePem = issued.TrustBundlePem;
            response.NotAfterUnixMs = issued.NotAfter.ToUnixTimeMilliseconds();
            connection.Identity = issued.Identity.ToString();
            connection.CertificateNotAfter = issued.NotAfter;
            metrics.CertificateIssued();
            LogIssued(logger, issued.Identity.ToString(), connection.ProxyId, issued.NotAfter);
            return response;
        }
        catch (CertificateRequestException e)
        {
            return Refuse(connection, response, e.Message);
        }
    }

    private CertificateResponse Refuse(ProxyConnection connection, CertificateResponse response, string reason)
    {
        metrics.CertificateRefused();
        LogRefused(logger, connection.ProxyId, reason);
        response.Error = reason;
        return response;
    }

    public void Dispose()
    {
        if (_authority.IsValueCreated)
        {
            _authority.Value.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued {Identity} to {ProxyId}, valid until {NotAfter:o}")]
    private static partial void LogIssued(ILogger logger, string identity, string proxyId, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a certificate to {ProxyId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string proxyId, string reason);
}
