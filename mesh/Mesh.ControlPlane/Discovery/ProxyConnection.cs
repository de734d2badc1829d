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
    /// <summary>How long a proxy has to answer a config dump request on its stream.</summary>
    public static readonly TimeSpan DumpTimeout = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<string>> _dumps = new(StringComparer.Ordinal);

    /// <summary>The stats address the proxy declared (shown in proxy status; never dialled by the control plane).</summary>
    public string AdminAddress { get; } = adminAddress;

    /// <summary>
    /// Where Prometheus may scrape this proxy: its declared address only when it is a loopback or the workload's own
    /// address, so a registration cannot point Prometheus at another host. Null when it is neither.
    /// </summary>
    public string? StatsAddress { get; } = StatsAddressOf(adminAddress, workload.Address);

    /// <summary>Who the proxy proved it is on its stream (<c>namespace/serviceAccount</c>), or null without discovery authentication.</summary>
    public string? Authenticated { get; init; }

    /// <summary>Asks the proxy for its config dump over its own stream, and waits for the answer.</summary>
    public async Task<string> ConfigDumpAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _dumps[id] = answer;
        try
        {
            Send(new ControlPlaneMessage { ConfigDumpRequest = new ConfigDumpRequest { RequestId = id } });
            return await answer.Task.WaitAsync(DumpTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"proxy {ProxyId} did not send its config dump within {DumpTimeout.TotalSeconds} s");
        }
        finally
        {
            _dumps.TryRemove(id, out _);
        }
    }

    /// <summary>A config dump arrived; an answer nobody asked for is dropped.</summary>
    public void DumpReceived(ConfigDumpResponse response)
    {
        if (_dumps.TryRemove(response.RequestId, out var answer))
        {
            answer.TrySetResult(response.Json);
        }
    }

    private static string? StatsAddressOf(string declared, string workloadAddress)
    {
        if (!System.Net.IPEndPoint.TryParse(declared, out var endpoint) || endpoint.Port == 0)
        {
            return null;
        }

        // A proxy listening on every interface is scraped at its workload's own address.
        if ((endpoint.Address.Equals(System.Net.IPAddress.Any) || endpoint.Address.Equals(System.Net.IPAddress.IPv6Any)) &&
            System.Net.IPAddress.TryParse(workloadAddress, out var address))
        {
            return new System.Net.IPEndPoint(address, endpoint.Port).ToString();
        }

        return System.Net.IPAddress.IsLoopback(endpoint.Address) ||
               (System.Net.IPAddress.TryParse(workloadAddress, out var own) && own.Equals(endpoint.Address))
            ? endpoint.ToString()
            : null;
    }

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

    /// <summary>What the proxy left out of the version it last ACKed (a resource it could not use), by name and reason.</summary>
    public IReadOnlyList<string> RejectedResources { get; set; } = [];

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
        foreach (var dump in _dumps.Values)
        {
            dump.TrySetException(new TimeoutException($"proxy {ProxyId} disconnected before it sent its config dump"));
        }

        _pending.Writer.TryComplete();
        _control.Writer.TryComplete();
    }
}
