using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// One pushed version of the mesh: every config document and every workload, converted to the wire form once
/// and shared by all proxy streams.
/// </summary>
public sealed class MeshSnapshot(long sequence, DateTimeOffset createdAt, ConfigSnapshot wire)
{
    public long Sequence { get; } = sequence;

    public string Version => Wire.Version;

    /// <summary>When the change that produced this version was seen; convergence time is measured from here.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    public ConfigSnapshot Wire { get; } = wire;
}
