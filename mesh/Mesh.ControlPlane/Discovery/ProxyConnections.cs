using Mesh.ControlPlane.Hosting;
using Microsoft.Extensions.Options;
using System.Collections.Concurrent;

namespace Mesh.ControlPlane.Discovery;

/// <summary>The proxies connected now, the current snapshot every new connection starts from, and the gate full snapshots pass.</summary>
public sealed class ProxyConnections(IOptions<ControlPlaneOptions> options)
{
    /// <summary>Bounds the full snapshots being written at once (see <see cref="ControlPlaneOptions.FullPushConcurrency"/>).</summary>
    public SemaphoreSlim FullPushes { get; } = options.Value.FullPushConcurrency > 0 && options.Value.PushTimeout > TimeSpan.Zero
        ? new(options.Value.FullPushConcurrency)
        : throw new InvalidOperationException(
            $"ControlPlane:FullPushConcurrency must be at least 1 (is {options.Value.FullPushConcurrency}) and ControlPlane:PushTimeout positive (is {options.Value.PushTimeout})");

    private readonly ConcurrentDictionary<Guid, ProxyConnection> _connections = new();
    private MeshSnapshot? _current;

    public MeshSnapshot? Current => Volatile.Read(ref _current);

    public IReadOnlyCollection<ProxyConnection> All => [.. _connections.Values];

    public int Count => _connections.Count;

    public void Add(ProxyConnection connection)
    {
        _connections[connection.Id] = connection;
        if (Current is { } snapshot)
        {
            connection.Enqueue(snapshot);
        }
    }

    public void Remove(ProxyConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        connection.Close();
    }

    /// <summary>Makes a snapshot current and queues it for every connected proxy.</summary>
    public void Publish(MeshSnapshot snapshot)
    {
        Volatile.Write(ref _current, snapshot);
        foreach (var connection in _connections.Values)
        {
            connection.Enqueue(snapshot);
        }
    }
}
