using System.Threading.RateLimiting;
using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.Resilience;

/// <summary>
/// The circuit breaker of a DestinationRule's <c>connectionPool</c> for one cluster: at most
/// <see cref="MaxActive"/> requests in flight, at most <see cref="MaxPending"/> waiting for a slot (oldest first),
/// and at most <see cref="MaxRetries"/> retries in flight. A request that finds the queue full is refused at once
/// (503, flag UO); a queued one waits only as long as its own timeout allows.
/// </summary>
/// <remarks>
/// Istio's limits are named for connections because Envoy holds one HTTP/1.1 request per connection. Here requests
/// between sidecars are multiplexed over HTTP/2, so both <c>tcp.maxConnections</c> and <c>http.http2MaxRequests</c>
/// bound the requests in flight (the smaller wins), and <c>http.http1MaxPendingRequests</c> bounds the queue. Istio
/// files written for HTTP/1.1 thus keep their meaning. Defaults are Envoy's: 1024 in flight, 1024 pending.
/// </remarks>
public sealed class ConnectionPoolLimiter : IDisposable
{
    public const int DefaultMaxRequests = 1024;
    public const int DefaultMaxPending = 1024;

    private readonly ConcurrencyLimiter _limiter;
    private int _activeRetries;
    private long _overflows;
    private long _retryOverflows;

    public ConnectionPoolLimiter(ConnectionPoolSettings? settings)
    {
        MaxActive = Math.Min(settings?.Tcp?.MaxConnections ?? int.MaxValue, settings?.Http?.Http2MaxRequests ?? DefaultMaxRequests);
        MaxPending = settings?.Http?.Http1MaxPendingRequests ?? DefaultMaxPending;
        MaxRetries = settings?.Http?.MaxRetries ?? int.MaxValue;
        MaxRequestsPerConnection = settings?.Http?.MaxRequestsPerConnection is > 0 and var n ? n : null;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = MaxActive,
            QueueLimit = MaxPending,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int MaxActive { get; }

    public int MaxPending { get; }

    public int MaxRetries { get; }

    public int? MaxRequestsPerConnection { get; }

    /// <summary>Requests refused because the pool and its queue were full (the UO circuit-breaker overflow).</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Retries not sent because <see cref="MaxRetries"/> were already in flight.</summary>
    public long RetryOverflows => Interlocked.Read(ref _retryOverflows);

    public long Pending => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    public long Active => MaxActive - (_limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);

    /// <summary>Takes a slot, waiting in the queue if there is room. Returns null when refused (overflow).</summary>
    public async ValueTask<IDisposable?> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        Interlocked.Increment(ref _overflows);
        return null;
    }

    /// <summary>Starts a retry if fewer than <see cref="MaxRetries"/> are in flight; call <see cref="RetryFinished"/> after.</summary>
    public bool TryStartRetry()
    {
        if (Interlocked.Increment(ref _activeRetries) <= MaxRetries)
        {
            return true;
        }

        Interlocked.Decrement(ref _activeRetries);
        Interlocked.Increment(ref _retryOverflows);
        return false;
    }

    public void RetryFinished() => Interlocked.Decrement(ref _activeRetries);

    public void Dispose() => _limiter.Dispose();
}
