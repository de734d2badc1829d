using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Registry;
using Mesh.ControlPlane.Telemetry;
using Mesh.Contracts.Discovery;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// Turns changes into pushes, as istiod's debounce does: after a change, wait until the config has been quiet for
/// <c>DebounceAfter</c> (but never longer than <c>DebounceMax</c>), then build one snapshot of the whole mesh, and
/// beside it the delta from the version before (what changed, what was removed), and publish both to every proxy
/// stream, which sends whichever the proxy can apply. A change that alters nothing a proxy sees pushes nothing.
/// </summary>
public sealed partial class PushCoordinator(
    ChangeNotifier notifier,
    ConfigStore store,
    WorkloadRegistry registry,
    ProxyConnections connections,
    ControlPlaneMetrics metrics,
    IOptions<ControlPlaneOptions> options,
    TimeProvider time,
    ILogger<PushCoordinator> logger) : BackgroundService
{
    private long _sequence;
    private Dictionary<string, ConfigDocument> _documents = new(StringComparer.Ordinal);
    private Dictionary<string, Workload> _workloads = new(StringComparer.Ordinal);
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Config.Registry.Workload, Workload> _wire = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Publish(["startup"], time.GetUtcNow());
        var reader = notifier.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var firstChange = time.GetUtcNow();
                var reasons = new HashSet<string>();
                await DebounceAsync(reader, reasons, stoppingToken);
                Publish(reasons, firstChange);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DebounceAsync(System.Threading.Channels.ChannelReader<string> reader, HashSet<string> reasons, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.DebounceMax;
        while (true)
        {
            while (reader.TryRead(out var reason))
            {
                reasons.Add(reason);
            }

            var quiet = options.Value.DebounceAfter;
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(quiet < remaining ? quiet : remaining);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Publish(IReadOnlyCollection<string> reasons, DateTimeOffset changedAt)
    {
        var config = store.Current;
        var documents = new Dictionary<string, ConfigDocument>(StringComparer.Ordinal);
        foreach (var resource in config.Resources)
        {
            documents[resource.Key] = resource.ToWire();
        }

        // Unchanged workloads keep their registry records, so their wire form is converted once, not on every push.
        var workloads = new Dictionary<string, Workload>(StringComparer.Ordinal);
        foreach (var workload in registry.Snapshot().Workloads)
        {
            workloads[workload.Key()] = _wire.GetValue(workload, w => w.ToWire());
        }

        var previous = connections.Current;
        var sequence = _sequence + 1;
        var version = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        var delta = previous is null ? null : MeshSnapshot.Diff(version, nonce, previous.Version, documents, _documents, workloads, _workloads);
        if (previous is not null && delta is null)
        {
            // Nothing a proxy sees changed (a health report that changed nothing, a file saved unchanged): no push.
            return;
        }

        // The config store bounds the config; the registry grows with the mesh. A version no proxy could receive is never sent.
        var size = documents.Values.Sum(d => (long)d.CalculateSize()) + workloads.Values.Sum(w => (long)w.CalculateSize());
        if (size > Config.ConfigLimits.MaxPushBytes)
        {
            LogTooLarge(logger, version, size, Config.ConfigLimits.MaxPushBytes);
            return;
        }

        _sequence = sequence;
        (_documents, _workloads) = (documents, workloads);
        connections.Publish(new MeshSnapshot(sequence, version, nonce, changedAt, documents, workloads, config.Sidecars, delta));
        metrics.Pushed(reasons, connections.Count);
        LogPublished(logger, version, string.Join(",", reasons), documents.Count, workloads.Count,
            delta is null ? "full" : $"delta of {delta.Documents.Count + delta.RemovedDocuments.Count} documents and {delta.Workloads.Count + delta.RemovedWorkloads.Count} workloads", connections.Count);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Version {Version} would be {Bytes} bytes, more than a proxy accepts ({Limit}); proxies keep the version they have")]
    private static partial void LogTooLarge(ILogger logger, string version, long bytes, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushing version {Version} ({Reasons}): {Documents} documents, {Workloads} workloads, as a {Form} to {Proxies} proxies")]
    private static partial void LogPublished(ILogger logger, string version, string reasons, int documents, int workloads, string form, int proxies);
}
