namespace Mesh.DataPlane.Clusters;

/// <summary>The live state of one endpoint: requests in flight, which least-request balancing reads.</summary>
public sealed class EndpointState(ClusterEndpoint endpoint)
{
    private int _activeRequests;

    public ClusterEndpoint Endpoint { get; } = endpoint;

    public int ActiveRequests => Volatile.Read(ref _activeRequests);

    public void RequestStarted() => Interlocked.Increment(ref _activeRequests);

    public void RequestFinished() => Interlocked.Decrement(ref _activeRequests);

    public override string ToString() => Endpoint.ToString();
}
