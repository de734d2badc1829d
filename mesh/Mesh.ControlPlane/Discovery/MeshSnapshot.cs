using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// One pushed version of the mesh, in two forms built once and shared by every proxy stream: the delta from the
/// version before (only the documents and workloads that changed, and the keys removed), and the full snapshot, built
/// only when some proxy needs it. A proxy that was sent the version before gets the delta; any other (new, behind, or
/// after a NACK) gets the full one.
/// </summary>
public sealed class MeshSnapshot(long sequence, string version, DateTimeOffset createdAt, Func<ConfigSnapshot> full, ConfigSnapshot? delta = null)
{
    private readonly Lazy<ControlPlaneMessage> _fullMessage = new(() => DiscoveryBinding.Freeze(new ControlPlaneMessage { Snapshot = full() }));
    private readonly ControlPlaneMessage? _deltaMessage = delta is null ? null : DiscoveryBinding.Freeze(new ControlPlaneMessage { Snapshot = delta });

    public long Sequence { get; } = sequence;

    public string Version { get; } = version;

    /// <summary>When the change that produced this version was seen; convergence time is measured from here.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    public ConfigSnapshot? Delta { get; } = delta;

    /// <summary>What to send a proxy whose last sent (and not refused) version is <paramref name="sent"/>.</summary>
    public ControlPlaneMessage MessageAfter(MeshSnapshot? sent) =>
        _deltaMessage is not null && sent is not null && Delta!.BaseVersion == sent.Version ? _deltaMessage : _fullMessage.Value;
}
