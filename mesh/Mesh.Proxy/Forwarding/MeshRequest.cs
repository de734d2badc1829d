using Mesh.DataPlane;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.Resilience;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Routing;

namespace Mesh.Proxy.Forwarding;

/// <summary>What the proxy decided and observed about one request; kept as an HttpContext feature for the
/// transformer, the access log and the metrics.</summary>
public sealed class MeshRequest(BoundListener listener, long startTimestamp)
{
    public BoundListener Listener { get; } = listener;

    public long StartTimestamp { get; } = startTimestamp;

    public CompiledRoute? Route { get; set; }

    /// <summary>True when a captured call went to an unknown destination as it was (Istio's PassthroughCluster).</summary>
    public bool Passthrough { get; set; }

    /// <summary>True when a captured call to an unknown destination was refused (REGISTRY_ONLY: Istio's BlackHoleCluster).</summary>
    public bool BlackHole { get; set; }

    public WeightedCluster? Destination { get; set; }

    public ClusterConfig? Cluster { get; set; }

    public ClusterState? ClusterState { get; set; }

    public ClusterEndpoint? Endpoint { get; set; }

    public ResponseFlags Flags { get; set; }

    public PeerMetadata Source { get; set; } = PeerMetadata.Unknown;

    /// <summary>The peer's SPIFFE id from its mTLS certificate; null for plaintext.</summary>
    public Mesh.Security.SpiffeId? SourcePrincipal { get; set; }

    /// <summary>The authority sent upstream (the logical service host for outbound hops).</summary>
    public string? UpstreamAuthority { get; set; }

    /// <summary>The path and query sent upstream after any rewrite; null keeps the original.</summary>
    public string? UpstreamPathAndQuery { get; set; }

    public int Attempts { get; set; }

    /// <summary>The attempts toward the chosen cluster (the transformer reserves retries through it).</summary>
    public AttemptLoop? Attempt { get; set; }

    /// <summary>Set by the transformer when it held back a retriable response and reserved a retry.</summary>
    public bool RetryReserved { get; set; }

    /// <summary>The outcome of the current attempt, as the transformer saw the response.</summary>
    public AttemptOutcome? Outcome { get; set; }
}
