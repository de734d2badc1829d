namespace Mesh.DataPlane.Resilience;

/// <summary>
/// A Linkerd-style retry budget for one destination: over a sliding window, retries may add at most
/// <see cref="Ratio"/> of the requests sent, plus <see cref="MinRetriesPerSecond"/> as a floor for low traffic.
/// During an outage the destination therefore receives at most (1 + ratio) times its normal load plus the floor,
/// never attempts × load.
/// </summary>
/// <remarks>
/// The window is ten one-second buckets, advanced by the injected clock, so tests and simulations are exact.
/// </remarks>
public sealed class RetryBudget
{
    public const double DefaultRatio = 0.2;
    public const int DefaultMinRetriesPerSecond = 10;

    private const int Buckets = 10;
    private static readonly TimeSpan BucketWidth = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly long[] _requests = new long[Buckets];
    private readonly long[] _retries = new long[Buckets];
    private long _currentBucket = long.MinValue;
    private long _exhausted;

    public RetryBudget(double ratio, int minRetriesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ratio);
        ArgumentOutOfRangeException.ThrowIfNegative(minRetriesPerSecond);
        Ratio = ratio;
        MinRetriesPerSecond = minRetriesPerSecond;
        _time = time;
    }

    public double Ratio { get; }

    public int MinRetriesPerSecond { get; }

    /// <summary>Retries refused because the budget was spent.</summary>
    public long Exhausted => Interlocked.Read(ref _exhausted);

    /// <summary>Counts an original (non-retry) request toward the budget.</summary>
    public void RecordRequest()
    {
        lock (_lock)
        {
            _requests[Advance()]++;
        }
    }

    /// <summary>Takes one retry from the budget; false means the retry must not be sent.</summary>
    public bool TryRetry()
    {
        lock (_lock)
        {
            var bucket = Advance();
            long requests = 0, retries = 0;
            for (var i = 0; i < Buckets; i++)
            {
                requests += _requests[i];
                retries += _retries[i];
            }

            var allowed = (long)Math.Floor(requests * Ratio) + ((long)MinRetriesPerSecond * Buckets);
            if (retries >= allowed)
            {
                _exhausted++;
                return false;
            }

            _retries[bucket]++;
            return true;
        }
    }

    private int Advance()
    {
        var now = _time.GetTimestamp() * TimeSpan.TicksPerSecond / _time.TimestampFrequency / BucketWidth.Ticks;
        if (_currentBucket == long.MinValue)
        {
            _currentBucket = now;
        }

        for (var b = Math.Max(_currentBucket + 1, now - Buckets + 1); b <= now; b++)
        {
            var slot = (int)(((b % Buckets) + Buckets) % Buckets);
            _requests[slot] = 0;
            _retries[slot] = 0;
        }

        _currentBucket = Math.Max(_currentBucket, now);
        return (int)(((now % Buckets) + Buckets) % Buckets);
    }
}
