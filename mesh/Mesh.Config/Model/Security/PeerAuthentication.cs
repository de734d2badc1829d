namespace Mesh.Config.Model.Security;

/// <summary>Istio PeerAuthentication: whether workloads accept plaintext, mTLS, or both.</summary>
public sealed record PeerAuthentication : MeshResource
{
    public override string Kind => "PeerAuthentication";

    /// <summary>Null applies to the whole namespace (or the mesh, in the root namespace).</summary>
    public WorkloadSelector? Selector { get; init; }

    public MutualTlsMode? Mtls { get; init; }

    public IReadOnlyDictionary<int, MutualTlsMode> PortLevelMtls { get; init; } = new Dictionary<int, MutualTlsMode>();
}

/// <summary>Peer authentication modes; <c>Unset</c> inherits from the parent scope.</summary>
public enum MutualTlsMode
{
    Unset,
    Disable,
    Permissive,
    Strict,
}
