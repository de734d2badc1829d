using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Registry;
using Mesh.ControlPlane.Telemetry;
using Mesh.Contracts.Discovery;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// Turns changes into pushes, as istiod's debounce does: after a change, wait until the config has been quiet for
/// <c>DebounceAfter</c> (but never longer than <c>DebounceMax</c>), then build one snapshot of the whole mesh and
/// publish it to every proxy.
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
        var sequence = Interlocked.Increment(ref _sequence);
        var config = store.Current;
        var workloads = registry.Snapshot().Workloads;
        var wire = new ConfigSnapshot
        {
            Version = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Nonce = Guid.NewGuid().ToString("N"),
            Full = true,
        };
        wire.Documents.AddRange(config.Resources.Select(r => r.ToWire()));
        wire.Workloads.AddRange(workloads.Select(w => w.ToWire()));
        connections.Publish(new MeshSnapshot(sequence, changedAt, wire));
        metrics.Pushed(reasons, connections.Count);
        LogPublished(logger, wire.Version, string.Join(",", reasons), config.Resources.Count, workloads.Count, connections.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushing version {Version} ({Reasons}): {Documents} documents, {Workloads} workloads to {Proxies} proxies")]
    private static partial void LogPublished(ILogger logger, string version, string reasons, int documents, int workloads, int proxies);
}
