using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Mesh.LoadDriver;

/// <summary>
/// Collects outcomes from concurrent requests. Latency is recorded from the moment a request was <em>meant</em> to
/// start, not when it actually went out: when the target stalls, the requests that should have been sent during
/// the stall count their waiting time (wrk2's correction for coordinated omission).
/// </summary>
internal sealed class LoadRecorder
{
    public const string FlagsHeader = "x-mesh-response-flags";

    private readonly LongHistogram _latency = new(TimeSpan.FromHours(1).Ticks / 10, 3);
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<int, long> _statusCodes = new();
    private readonly ConcurrentDictionary<string, long> _flags = new();
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly ConcurrentDictionary<string, long> _classes = new();
    private long _completed;
    private long _failed;

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Records a request that got an HTTP response.</summary>
    public void Response(long intendedStart, long end, int status, string? flags, string? @class)
    {
        RecordLatency(intendedStart, end);
        _statusCodes.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (!string.IsNullOrEmpty(flags) && flags != "-")
        {
            _flags.AddOrUpdate(flags, 1, (_, n) => n + 1);
        }

        if (@class is not null)
        {
            _classes.AddOrUpdate(@class, 1, (_, n) => n + 1);
        }

        if (status >= 500)
        {
            Interlocked.Increment(ref _failed);
        }

        Interlocked.Increment(ref _completed);
    }

    /// <summary>Records a request that failed before any HTTP status (refused, reset, timed out).</summary>
    public void Error(long intendedStart, long end, string kind)
    {
        RecordLatency(intendedStart, end);
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _failed);
        Interlocked.Increment(ref _completed);
    }

    public LoadReport Report(TimeSpan elapsed, double? targetRate)
    {
        LongHistogram copy;
        lock (_lock)
        {
            copy = (LongHistogram)_latency.Copy();
        }

        return new LoadReport(copy, Completed, _errors.Values.Sum(), elapsed,
            new Dictionary<int, long>(_statusCodes), new Dictionary<string, long>(_flags), new Dictionary<string, long>(_errors),
            new Dictionary<string, long>(_classes), targetRate);
    }

    private void RecordLatency(long intendedStart, long end)
    {
        var micros = Math.Max(0, (long)Stopwatch.GetElapsedTime(intendedStart, end).TotalMicroseconds);
        lock (_lock)
        {
            _latency.RecordValue(Math.Min(micros, _latency.HighestTrackableValue));
        }
    }
}
