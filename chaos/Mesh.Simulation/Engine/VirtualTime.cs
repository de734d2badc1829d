namespace Mesh.Simulation.Engine;

/// <summary>
/// Virtual time for the simulator: a clock that only moves when the next event is taken, and one thread that runs
/// every event in (time, arrival) order. It is the <see cref="TimeProvider"/> the shared policy code is given, so its
/// timers (per-try and route timeouts, backoff, ejection) are events here; and it is the synchronization context
/// every <c>await</c> returns through, so continuations are events too. Nothing sleeps, and the same seed gives the
/// same order of events, hence the same results.
/// </summary>
public sealed class VirtualTime : TimeProvider
{
    /// <summary>Where virtual time starts (fixed, so reports do not depend on the wall clock).</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PriorityQueue<Event, (long Ticks, long Sequence)> _events = new();
    private readonly Context _context;
    private long _sequence;

    public VirtualTime() => _context = new Context(this);

    /// <summary>Time since the start of the simulation.</summary>
    public TimeSpan Elapsed { get; private set; }

    public long EventsRun { get; private set; }

    public int Pending => _events.Count;

    public override DateTimeOffset GetUtcNow() => Epoch + Elapsed;

    public override long GetTimestamp() => Elapsed.Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> of virtual time.</summary>
    public void Schedule(TimeSpan delay, Action action) => Enqueue(Elapsed + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay), new Event(action, null, null));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new VirtualTimer(this, callback, state, dueTime, period);

    /// <summary>Runs events in order until none is left or the next is after <paramref name="until"/>; returns how many ran.</summary>
    public long RunUntil(TimeSpan until)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        var ran = 0L;
        try
        {
            while (_events.TryPeek(out _, out var at) && at.Ticks <= until.Ticks)
            {
                var next = _events.Dequeue();
                Elapsed = TimeSpan.FromTicks(at.Ticks);
                next.Run();
                ran++;
            }

            if (Elapsed < until)
            {
                Elapsed = until;
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            EventsRun += ran;
        }

        return ran;
    }

    private void Enqueue(TimeSpan at, Event e) => _events.Enqueue(e, (at.Ticks, _sequence++));

    private readonly record struct Event(Action? Action, SendOrPostCallback? Callback, object? State)
    {
        public void Run()
        {
            if (Action is not null)
            {
                Action();
            }
            else
            {
                Callback!(State);
            }
        }
    }

    /// <summary>Continuations of awaits in the simulation come back as events at the current time, in order.</summary>
    private sealed class Context(VirtualTime time) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => time.Enqueue(time.Elapsed, new Event(null, d, state));

        public override void Send(SendOrPostCallback d, object? state) => d(state);

        public override SynchronizationContext CreateCopy() => this;
    }

    private sealed class VirtualTimer : ITimer
    {
        private readonly VirtualTime _time;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private long _generation;
        private TimeSpan _period;

        public VirtualTimer(VirtualTime time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            (_time, _callback, _state) = (time, callback, state);
            Change(dueTime, period);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var generation = ++_generation;
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Arm(dueTime, generation);
            }

            return true;
        }

        private void Arm(TimeSpan due, long generation) => _time.Schedule(due, () =>
        {
            if (generation != _generation)
            {
                return;
            }

            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                Arm(_period, generation);
            }

            _callback(_state);
        });

        public void Dispose() => _generation++;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
