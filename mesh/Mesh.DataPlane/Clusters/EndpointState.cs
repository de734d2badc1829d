namespace Mesh.DataPlane.Clusters;

/// <summary>
/// The live state of one endpoint: requests in flight (which least-request balancing reads) and its outlier-detection
/// record (consecutive errors, ejection), which <see cref="Resilience.OutlierDetector"/> keeps.
/// </summary>
public sealed class EndpointState(ClusterEndpoint endpoint)
{
    private int _activeRequests;

    internal int Consecutive5xx { get; set; }

    internal int ConsecutiveGatewayErrors { get; set; }

    /// <summary>Timestamp (of the detector's clock) until which the endpoint is ejected; 0 when it is not.</summary>
    internal long EjectedUntil { get; set; }

    internal int EjectionMultiplier { get; set; }

    internal long LastEjectionEnded { get; set; }

    public ClusterEndpoint Endpoint { get; } = endpoint;

    public int ActiveRequests => Volatile.Read(ref _activeRequests);

    public void RequestStarted() => Interlocked.Increment(ref _activeRequests);

    public void RequestFinished() => Interlocked.Decrement(ref _activeRequests);

    public override string ToString() => Endpoint.ToString();
}
