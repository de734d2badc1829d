using System.Collections.Concurrent;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.Routing;
using Microsoft.Extensions.Primitives;

namespace Mesh.Proxy.Routing;

/// <summary>
/// Holds the proxy's current <see cref="RouteTable"/> and the live state of its clusters. A new table is swapped in
/// atomically and a change token fires, as YARP's InMemoryConfigProvider does; requests read the table once and keep
/// it for their lifetime. Cluster state (balancer position, endpoint load) survives a swap for clusters that remain.
/// </summary>
public sealed class RouteTableProvider(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ClusterState> _clusters = new(StringComparer.Ordinal);
    private RouteTable _current = RouteTable.Empty;
    private CancellationTokenSource _changed = new();

    public RouteTable Current => Volatile.Read(ref _current);

    /// <summary>True once the first config from the control plane has been applied.</summary>
    public bool HasConfig => Current.Version.Length > 0;

    public IChangeToken ChangeToken => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public IReadOnlyDictionary<string, ClusterState> Clusters => _clusters;

    public ClusterState? Cluster(string name) => _clusters.GetValueOrDefault(name);

    public void Update(RouteTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var (name, config) in table.Clusters)
        {
            _clusters.AddOrUpdate(name, (_, c) => new ClusterState(c, time), static (_, state, c) =>
            {
                state.Update(c);
                return state;
            }, config);
        }

        Interlocked.Exchange(ref _current, table);

        // Clusters that left the table are dropped only after the swap, so a request that picked one just before still finds it.
        foreach (var name in _clusters.Keys.Where(n => !table.Clusters.ContainsKey(n)))
        {
            _clusters.TryRemove(name, out _);
        }

        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }
}
