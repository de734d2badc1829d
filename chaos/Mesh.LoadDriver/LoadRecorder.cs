using System.Collections.Concurrent;
using HdrHistogram;

namespace Mesh.LoadDriver;

/// <summary>
/// Collects outcomes from concurrent requests. Latency is recorded from the moment a request was <em>meant</em> to
/// start, not when it actually went out: when the target stalls, the requests that should have been sent during
/// the stall count their waiting time (wrk2's correction for coordinated omission). How late each request really
/// went out is kept apart, to show whether the driver itself held the schedule.
/// </summary>
internal sealed class LoadRecorder(TimeProvider time)
{
    private readonly LongHistogram _latency = new(TimeSpan.FromHours(1).Ticks / 10, 3);
    private readonly LongHistogram _sendLag = new(TimeSpan.FromHours(1).Ticks / 10, 3);
    private readonly LongHistogram _serviceTime = new(TimeSpan.FromHours(1).Ticks / 10, 3);
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<int, long> _statusCodes = new();
    private readonly ConcurrentDictionary<int, long> _grpcStatuses = new();
    private readonly ConcurrentDictionary<string, long> _flags = new();
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly ConcurrentDictionary<string, long> _classes = new();
    private long _completed;
    private long _failed;

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Notes that a request due at <paramref name="intendedStart"/> went out at <paramref name="sent"/>.</summary>
    public void Sent(long intendedStart, long sent) => Record(_sendLag, intendedStart, sent);

    /// <summary>Records what came back for a request meant to start at <paramref name="intendedStart"/> and sent at <paramref name="sent"/>.</summary>
    public void Record(long intendedStart, long sent, long end, LoadOutcome outcome)
    {
        Record(_latency, intendedStart, end);
        Record(_serviceTime, sent, end);
        if (outcome.Status is { } status)
        {
            _statusCodes.AddOrUpdate(status, 1, (_, n) => n + 1);
        }
        else
        {
            _errors.AddOrUpdate(outcome.Error ?? "Unknown", 1, (_, n) => n + 1);
        }

        if (outcome.GrpcStatus is { } grpc)
        {
            _grpcStatuses.AddOrUpdate(grpc, 1, (_, n) => n + 1);
        }

        if (!string.IsNullOrEmpty(outcome.Flags) && outcome.Flags != "-")
        {
            _flags.AddOrUpdate(outcome.Flags, 1, (_, n) => n + 1);
        }

        if (outcome.Class is not null)
        {
            _classes.AddOrUpdate(outcome.Class, 1, (_, n) => n + 1);
        }

        if (outcome.Status is null or >= 500 || outcome.GrpcStatus is > 0)
        {
            Interlocked.Increment(ref _failed);
        }

        Interlocked.Increment(ref _completed);
    }

    public LoadReport Report(TimeSpan elapsed, double? targetRate)
    {
        LongHistogram latency, lag, service;
        lock (_lock)
        {
            latency = (LongHistogram)_latency.Copy();
            lag = (LongHistogram)_sendLag.Copy();
            service = (LongHistogram)_serviceTime.Copy();
        }

        return new LoadReport(latency, lag, service, Completed, _errors.Values.Sum(), elapsed,
            new Dictionary<int, long>(_statusCodes), new Dictionary<int, long>(_grpcStatuses), new Dictionary<string, long>(_flags),
            new Dictionary<string, long>(_errors), new Dictionary<string, long>(_classes), targetRate);
    }

    private void Record(LongHistogram histogram, long from, long to)
    {
        var micros = Math.Max(0, (long)time.GetElapsedTime(from, to).TotalMicroseconds);
        lock (_lock)
        {
            histogram.RecordValue(Math.Min(micros, histogram.HighestTrackableValue));
        }
    }
}
