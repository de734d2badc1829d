using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// One pushed version of the mesh, in two forms built once and shared by every proxy stream: the full snapshot, and
/// the delta from the version before it (only the documents and workloads that changed, and the keys removed). A
/// proxy that was sent the version before gets the delta; any other (new, behind, or after a NACK) gets the full one.
/// </summary>
public sealed class MeshSnapshot(long sequence, DateTimeOffset createdAt, ConfigSnapshot full, ConfigSnapshot? delta = null)
{
    public long Sequence { get; } = sequence;

    public string Version => Full.Version;

    /// <summary>When the change that produced this version was seen; convergence time is measured from here.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    public ConfigSnapshot Full { get; } = full;

    public ConfigSnapshot? Delta { get; } = delta;

    private readonly ControlPlaneMessage _fullMessage = DiscoveryBinding.Freeze(new ControlPlaneMessage { Snapshot = full });
    private readonly ControlPlaneMessage? _deltaMessage = delta is null ? null : DiscoveryBinding.Freeze(new ControlPlaneMessage { Snapshot = delta });

    /// <summary>What to send a proxy whose last sent (and not refused) version is <paramref name="sent"/>.</summary>
    public ControlPlaneMessage MessageAfter(MeshSnapshot? sent) =>
        _deltaMessage is not null && sent is not null && Delta!.BaseVersion == sent.Version ? _deltaMessage : _fullMessage;
}
