using System.Collections.Concurrent;
using Mesh.Config.Registry;
using Mesh.ControlPlane.Discovery;

namespace Mesh.ControlPlane.Registry;

/// <summary>
/// The workloads the mesh knows, as their proxies registered them. A workload stays while its proxy's stream is
/// open; its health follows what the proxy reports. Every change asks for a push.
/// </summary>
public sealed partial class WorkloadRegistry(ChangeNotifier notifier, ILogger<WorkloadRegistry> logger)
{
    private readonly ConcurrentDictionary<string, Registration> _workloads = new(StringComparer.Ordinal);
    private long _version;
    private volatile CachedSnapshot? _snapshot;

    public int Count => _workloads.Count;

    /// <summary>Registers (or replaces) the workload of a proxy connection.</summary>
    public void Register(string proxyId, Guid connection, Workload workload)
    {
        _workloads[proxyId] = new Registration(connection, workload);
        LogRegistered(logger, proxyId, workload.Address, workload.Healthy);
        Changed();
    }

    public void SetHealth(string proxyId, Guid connection, bool healthy, string detail)
    {
        if (_workloads.TryGetValue(proxyId, out var current) && current.Connection == connection && current.Workload.Healthy != healthy)
        {
            _workloads[proxyId] = current with { Workload = current.Workload with { Healthy = healthy } };
            LogHealth(logger, proxyId, healthy ? "healthy" : "unhealthy", detail);
            Changed();
        }
    }

    /// <summary>Removes a workload when its connection ends, unless a newer connection has registered it since.</summary>
    public void Unregister(string proxyId, Guid connection)
    {
        if (_workloads.TryGetValue(proxyId, out var current) && current.Connection == connection &&
            _workloads.TryRemove(new KeyValuePair<string, Registration>(proxyId, current)))
        {
            LogUnregistered(logger, proxyId);
            Changed();
        }
    }

    /// <summary>An immutable view of the registry as it is now.</summary>
    public ServiceRegistry Snapshot()
    {
        var version = Interlocked.Read(ref _version);
        if (_snapshot is { } cached && cached.Version == version)
        {
            return cached.Registry;
        }

        var registry = new ServiceRegistry(_workloads.Values.Select(r => r.Workload));
        _snapshot = new CachedSnapshot(version, registry);
        return registry;
    }

    private void Changed()
    {
        Interlocked.Increment(ref _version);
        notifier.Notify("registry");
    }

    private sealed record Registration(Guid Connection, Workload Workload);

    private sealed record CachedSnapshot(long Version, ServiceRegistry Registry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload {ProxyId} registered at {Address} (healthy: {Healthy})")]
    private static partial void LogRegistered(ILogger logger, string proxyId, string address, bool healthy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload {ProxyId} is {State}: {Detail}")]
    private static partial void LogHealth(ILogger logger, string proxyId, string state, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload {ProxyId} unregistered (its proxy disconnected)")]
    private static partial void LogUnregistered(ILogger logger, string proxyId);
}
