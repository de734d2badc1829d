using System.Threading.Channels;
using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// One connected proxy: who it is, what was last sent to it, and what it last ACKed or NACKed. Pushes go through
/// a one-slot queue where a newer snapshot replaces an unsent older one, so a slow proxy never makes the control
/// plane buffer a backlog (backpressure by latest-wins).
/// </summary>
public sealed class ProxyConnection(string proxyId, ProxyKind kind, Config.Registry.Workload workload, string adminAddress, DateTimeOffset connectedAt)
{
    public string AdminAddress { get; } = adminAddress;

    private readonly Channel<MeshSnapshot> _pending = Channel.CreateBounded<MeshSnapshot>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public Guid Id { get; } = Guid.NewGuid();

    public string ProxyId { get; } = proxyId;

    public ProxyKind Kind { get; } = kind;

    public Config.Registry.Workload Workload { get; } = workload;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    public MeshSnapshot? Sent { get; set; }

    /// <summary>The scope <see cref="DeltaBase"/> was sent with: a delta must be for the same scope.</summary>
    public ProxyScope? DeltaScope { get; set; }

    /// <summary>The newest version this proxy has been brought up to: sent, or skipped because nothing it sees changed.</summary>
    public string? UpToDate { get; set; }

    /// <summary>Whether the last push was sent as a delta.</summary>
    public bool SentDelta { get; set; }

    /// <summary>The last version sent and not refused: what a delta must build on. Null: the next push is full.</summary>
    public MeshSnapshot? DeltaBase { get; set; }

    public string? AckedVersion { get; set; }

    public DateTimeOffset? AckedAt { get; set; }

    public string? NackedVersion { get; set; }

    public string? NackError { get; set; }

    private readonly Channel<ControlPlaneMessage> _control = Channel.CreateUnbounded<ControlPlaneMessage>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<MeshSnapshot> Pending => _pending.Reader;

    /// <summary>Messages other than snapshots (certificates, trust bundles); never dropped, sent before any pending snapshot.</summary>
    public ChannelReader<ControlPlaneMessage> Control => _control.Reader;

    public void Send(ControlPlaneMessage message) => _control.Writer.TryWrite(message);

    public string? Identity { get; set; }

    public DateTimeOffset? CertificateNotAfter { get; set; }

    private long _enqueued = -1;

    /// <summary>Queues a snapshot unless a newer one was already queued (publishers may race with a new connection).</summary>
    public void Enqueue(MeshSnapshot snapshot)
    {
        lock (_pending)
        {
            if (snapshot.Sequence <= _enqueued)
            {
                return;
            }

            _enqueued = snapshot.Sequence;
            _pending.Writer.TryWrite(snapshot);
        }
    }

    /// <summary>Queues a version again unless a newer one is queued (after a refused delta, to send it in full).</summary>
    public void Resend(MeshSnapshot snapshot)
    {
        lock (_pending)
        {
            if (snapshot.Sequence >= _enqueued)
            {
                _enqueued = snapshot.Sequence;
                _pending.Writer.TryWrite(snapshot);
            }
        }
    }

    public void Close()
    {
        _pending.Writer.TryComplete();
        _control.Writer.TryComplete();
    }
}
