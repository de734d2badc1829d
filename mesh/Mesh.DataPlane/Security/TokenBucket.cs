namespace Mesh.DataPlane.Security;

/// <summary>
/// Envoy's local rate limit token bucket: it starts full with <c>maxTokens</c>, gains <c>tokensPerFill</c> every
/// <c>fillInterval</c> (never beyond the maximum), and each request takes one token or is refused. Exact under the
/// injected clock.
/// </summary>
public sealed class TokenBucket
{
    private readonly int _max;
    private readonly int _perFill;
    private readonly long _fillTicks;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private int _tokens;
    private long _lastFill;

    public TokenBucket(int maxTokens, int tokensPerFill, TimeSpan fillInterval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerFill, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(fillInterval, TimeSpan.Zero);
        (_max, _perFill, _time, _tokens) = (maxTokens, tokensPerFill, time, maxTokens);
        _fillTicks = (long)(fillInterval.TotalSeconds * time.TimestampFrequency);
        _lastFill = time.GetTimestamp();
    }

    public int Available
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return _tokens;
            }
        }
    }

    public bool TryTake()
    {
        lock (_lock)
        {
            Refill();
            if (_tokens == 0)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    private void Refill()
    {
        var fills = (_time.GetTimestamp() - _lastFill) / _fillTicks;
        if (fills > 0)
        {
            _tokens = (int)Math.Min(_max, _tokens + (fills * _perFill));
            _lastFill += fills * _fillTicks;
        }
    }
}
