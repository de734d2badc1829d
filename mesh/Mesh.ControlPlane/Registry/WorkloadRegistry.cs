using System.Collections.Concurrent;
using Mesh.Config.Registry;
using Mesh.ControlPlane.Discovery;

namespace Mesh.ControlPlane.Registry;

/// <summary>
/// The workloads the mesh knows, as their proxies registered them. A workload stays while its proxy's stream is
/// open; its health follows what the proxy reports. Every change asks for a push.
/// </summary>
/// <remarks>
/// With a <see cref="RegistryStateFile"/>, the registry is saved as it changes, and a restarted control plane starts
/// from it: every saved workload is served as it was until its proxy reconnects and registers again, or until
/// <c>restoreGrace</c> passes without it. Without that, the first proxy to reconnect would be pushed a mesh that
/// holds only itself and would fail every call until the rest were back.
/// </remarks>
public sealed partial class WorkloadRegistry : IDisposable
{
    private static readonly TimeSpan SaveDelay = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, Registration> _workloads = new(StringComparer.Ordinal);
    private readonly ChangeNotifier _notifier;
    private readonly ILogger<WorkloadRegistry> _logger;
    private readonly RegistryStateFile? _state;
    private readonly ITimer? _expireRestored;
    private readonly ITimer? _save;
    private int _savePending;
    private volatile bool _frozen;
    private long _version;
    private volatile CachedSnapshot? _snapshot;
    private volatile IReadOnlyDictionary<string, Workload> _discovered = new Dictionary<string, Workload>();
    private volatile bool _proxiesRegister = true;
    private readonly Lock _standby = new();
    private readonly Dictionary<string, List<Registration>> _standbyByProxy = new(StringComparer.Ordinal);

    public WorkloadRegistry(ChangeNotifier notifier, ILogger<WorkloadRegistry> logger)
        : this(notifier, logger, TimeProvider.System, null, TimeSpan.Zero)
    {
    }

    public WorkloadRegistry(ChangeNotifier notifier, ILogger<WorkloadRegistry> logger, TimeProvider time, RegistryStateFile? state, TimeSpan restoreGrace)
    {
        _notifier = notifier;
        _logger = logger;
        _state = state;
        if (state is null)
        {
            return;
        }

        _save = time.CreateTimer(_ => Save(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var restored = state.Read();
        foreach (var (proxyId, workload) in restored)
        {
            _workloads[proxyId] = new Registration(Restored, workload);
        }

        if (restored.Count > 0)
        {
            LogRestored(logger, restored.Count, restoreGrace.TotalSeconds);
            _expireRestored = time.CreateTimer(_ => ExpireRestored(), null, restoreGrace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The connection id of a workload restored from the state file, whose proxy has not reconnected yet.</summary>
    public static readonly Guid Restored = Guid.Empty;


    public int Count => _workloads.Count + _discovered.Count;

    /// <summary>
    /// Makes a platform (the Kubernetes API) the source of workloads: from now on proxies' own registrations and health
    /// reports are ignored, and <see cref="SetDiscovered"/> says what exists, as istiod's registry follows EndpointSlices.
    /// </summary>
    public void UseDiscoveryOnly() => _proxiesRegister = false;

    /// <summary>Replaces the discovered workloads (keyed by their platform identity) with a new complete set.</summary>
    public void SetDiscovered(IReadOnlyDictionary<string, Workload> workloads)
    {
        _discovered = workloads;
        Changed();
    }

    /// <summary>
    /// Registers the workload of a proxy connection, or refuses it (false) when the proxy id is held by a workload of
    /// another identity (namespace and service account): one credential cannot take over another's registration. A
    /// newer connection of the same identity takes the id; the older one stays in reserve until either goes.
    /// </summary>
    public bool Register(string proxyId, Guid connection, Workload workload)
    {
        if (!_proxiesRegister)
        {
            return true;
        }

        lock (_standby)
        {
            if (_workloads.TryGetValue(proxyId, out var current))
            {
                if (!SameIdentity(current.Workload, workload))
                {
                    LogRefused(_logger, proxyId, $"{workload.Namespace}/{workload.ServiceAccount}", $"{current.Workload.Namespace}/{current.Workload.ServiceAccount}");
                    return false;
                }

                if (current.Connection != Restored)
                {
                    Standby(proxyId).Add(current);
                }
            }

            _workloads[proxyId] = new Registration(connection, workload);
        }

        LogRegistered(_logger, proxyId, workload.Address, workload.Healthy);
        Changed();
        return true;
    }

    public void SetHealth(string proxyId, Guid connection, bool healthy, string detail)
    {
        if (!_proxiesRegister)
        {
            return;
        }

        lock (_standby)
        {
            if (_workloads.TryGetValue(proxyId, out var current) && current.Connection == connection && current.Workload.Healthy != healthy)
            {
                _workloads[proxyId] = current with { Workload = current.Workload with { Healthy = healthy } };
                LogHealth(_logger, proxyId, healthy ? "healthy" : "unhealthy", detail);
            }
            else
            {
                // A connection in reserve keeps its own health, so it is right if it becomes the registration again.
                if (_standbyByProxy.TryGetValue(proxyId, out var reserve) && reserve.FindIndex(r => r.Connection == connection) is >= 0 and var i)
                {
                    reserve[i] = reserve[i] with { Workload = reserve[i].Workload with { Healthy = healthy } };
                }

                return;
            }
        }

        Changed();
    }

    /// <summary>
    /// Removes a connection's registration when it ends. When it held the proxy id and an older connection of the same
    /// workload is still open, that one is registered again; a connection that never held the id changes nothing.
    /// </summary>
    public void Unregister(string proxyId, Guid connection)
    {
        lock (_standby)
        {
            var reserve = _standbyByProxy.GetValueOrDefault(proxyId);
            reserve?.RemoveAll(r => r.Connection == connection);
            if (!_workloads.TryGetValue(proxyId, out var current) || current.Connection != connection)
            {
                return;
            }

            if (reserve is { Count: > 0 })
            {
                _workloads[proxyId] = reserve[^1];
                reserve.RemoveAt(reserve.Count - 1);
            }
            else
            {
                _workloads.TryRemove(proxyId, out _);
                _standbyByProxy.Remove(proxyId);
            }
        }

        LogUnregistered(_logger, proxyId);
        Changed();
    }

    private List<Registration> Standby(string proxyId) =>
        _standbyByProxy.TryGetValue(proxyId, out var list) ? list : _standbyByProxy[proxyId] = [];

    private static bool SameIdentity(Workload a, Workload b) => a.Namespace == b.Namespace && a.ServiceAccount == b.ServiceAccount;

    /// <summary>An immutable view of the registry as it is now.</summary>
    public ServiceRegistry Snapshot()
    {
        var version = Interlocked.Read(ref _version);
        if (_snapshot is { } cached && cached.Version == version)
        {
            return cached.Registry;
        }

        var registry = new ServiceRegistry(_workloads.Values.Select(r => r.Workload).Concat(_discovered.Values));
        _snapshot = new CachedSnapshot(version, registry);
        return registry;
    }

    /// <summary>The number of restored workloads still waiting for their proxies.</summary>
    public int RestoredCount => _workloads.Values.Count(r => r.Connection == Restored);

    /// <summary>
    /// Stops saving, for a shutting-down control plane: its proxies' streams are about to end, and the registry on disk
    /// must keep them, not record them leaving.
    /// </summary>
    public void Freeze() => _frozen = true;

    public void Dispose()
    {
        _expireRestored?.Dispose();
        _save?.Dispose();
        if (Interlocked.Exchange(ref _savePending, 0) == 1)
        {
            Save();
        }
    }

    private void ExpireRestored()
    {
        var expired = 0;
        foreach (var (proxyId, registration) in _workloads)
        {
            if (registration.Connection == Restored && _workloads.TryRemove(new KeyValuePair<string, Registration>(proxyId, registration)))
            {
                expired++;
                LogUnregistered(_logger, proxyId);
            }
        }

        if (expired > 0)
        {
            Changed();
        }
    }

    private void Changed()
    {
        Interlocked.Increment(ref _version);
        _notifier.Notify("registry");
        if (_save is not null && Interlocked.Exchange(ref _savePending, 1) == 0)
        {
            _save.Change(SaveDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private void Save()
    {
        Interlocked.Exchange(ref _savePending, 0);
        if (_frozen)
        {
            return;
        }

        try
        {
            _state?.Write(_workloads.ToDictionary(w => w.Key, w => w.Value.Workload, StringComparer.Ordinal));
        }
        catch (IOException e)
        {
            LogSaveFailed(_logger, e.Message);
        }
    }

    private sealed record Registration(Guid Connection, Workload Workload);

    private sealed record CachedSnapshot(long Version, ServiceRegistry Registry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload {ProxyId} registered at {Address} (healthy: {Healthy})")]
    private static partial void LogRegistered(ILogger logger, string proxyId, string address, bool healthy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload {ProxyId} is {State}: {Detail}")]
    private static partial void LogHealth(ILogger logger, string proxyId, string state, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} workloads from the last run; each is served until its proxy reconnects, or for {Seconds} s")]
    private static partial void LogRestored(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the registry: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused to register {ProxyId} for {Identity}: it is registered to {Owner}")]
    private static partial void LogRefused(ILogger logger, string proxyId, string identity, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload {ProxyId} unregistered (its proxy disconnected)")]
    private static partial void LogUnregistered(ILogger logger, string proxyId);
}
