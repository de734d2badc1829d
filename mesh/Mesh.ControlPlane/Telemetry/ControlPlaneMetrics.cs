using System.Diagnostics.Metrics;
using Mesh.Config.Diagnostics;
using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Telemetry;

/// <summary>The control plane's metrics, with istiod's names where one exists (<c>pilot_*</c>).</summary>
public sealed class ControlPlaneMetrics : IDisposable
{
    public const string MeterName = "Mesh.ControlPlane";

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connected;
    private readonly Counter<long> _pushes;
    private readonly Counter<long> _nacks;
    private readonly Counter<long> _validationErrors;
    private readonly Histogram<double> _convergence;
    private readonly Counter<long> _csrs;
    private readonly Counter<long> _issued;
    private readonly Counter<long> _refused;

    public ControlPlaneMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _connected = _meter.CreateUpDownCounter<long>("pilot_xds", description: "Connected proxies.");
        _pushes = _meter.CreateCounter<long>("pilot_xds_pushes", description: "Snapshots pushed, by what changed.");
        _nacks = _meter.CreateCounter<long>("pilot_total_xds_rejects", description: "Snapshots proxies NACKed.");
        _validationErrors = _meter.CreateCounter<long>("galley_validation_failed", description: "Config errors that made a change be refused.");
        _convergence = _meter.CreateHistogram<double>("pilot_proxy_convergence_time", unit: null, "Time from a config change to a proxy's ACK.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 3, 5, 10, 20, 30] });
        _csrs = _meter.CreateCounter<long>("citadel_server_csr_count", description: "Certificate signing requests received.");
        _issued = _meter.CreateCounter<long>("citadel_server_success_cert_issuance_count", description: "Workload certificates issued.");
        _refused = _meter.CreateCounter<long>("citadel_server_csr_sign_err_count", description: "Certificate signing requests refused.");
    }

    public void CertificateRequested() => _csrs.Add(1);

    public void CertificateIssued() => _issued.Add(1);

    public void CertificateRefused() => _refused.Add(1);

    public void ProxyConnected(ProxyKind kind) => _connected.Add(1, new KeyValuePair<string, object?>("type", kind.ToString().ToLowerInvariant()));

    public void ProxyDisconnected(ProxyKind kind) => _connected.Add(-1, new KeyValuePair<string, object?>("type", kind.ToString().ToLowerInvariant()));

    public void Pushed(IReadOnlyCollection<string> reasons, int proxies)
    {
        foreach (var reason in reasons)
        {
            _pushes.Add(proxies, new KeyValuePair<string, object?>("type", reason));
        }
    }

    public void Nacked() => _nacks.Add(1);

    public void ConfigRejected(IReadOnlyCollection<Finding> errors)
    {
        foreach (var error in errors)
        {
            _validationErrors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        }
    }

    public void Converged(TimeSpan elapsed) => _convergence.Record(elapsed.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
