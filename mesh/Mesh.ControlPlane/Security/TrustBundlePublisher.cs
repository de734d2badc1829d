using Mesh.ControlPlane.Discovery;
using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Security;

/// <summary>
/// Tells every proxy when the roots to trust change: at a root rotation (with a request to reissue, so workloads move
/// to the new root during the overlap) and when the overlap ends and the old root drops out of the bundle.
/// </summary>
public sealed partial class TrustBundlePublisher(CertificateService certificates, ProxyConnections connections, TimeProvider time, ILogger<TrustBundlePublisher> logger) : BackgroundService
{
    private string? _published;

    /// <summary>Rotates the CA root, keeping the old one trusted for <paramref name="overlap"/>, and tells every proxy.</summary>
    public void RotateRoot(TimeSpan overlap)
    {
        certificates.Authority.RotateRoot(overlap);
        Publish(reissue: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!certificates.Enabled)
        {
            return;
        }

        _published = certificates.Authority.TrustBundlePem;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (certificates.Authority.TrustBundlePem != _published)
                {
                    Publish(reissue: false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Publish(bool reissue)
    {
        var pem = certificates.Authority.TrustBundlePem;
        _published = pem;
        foreach (var connection in connections.All)
        {
            connection.Send(new ControlPlaneMessage { TrustBundle = new TrustBundleUpdate { TrustBundlePem = pem, Reissue = reissue } });
        }

        LogPublished(logger, certificates.Authority.TrustBundle.Roots.Count, reissue, connections.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trust bundle of {Roots} root(s) sent to {Proxies} proxies (reissue: {Reissue})")]
    private static partial void LogPublished(ILogger logger, int roots, bool reissue, int proxies);
}
