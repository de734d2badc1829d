using Microsoft.Extensions.Time.Testing;

namespace Mesh.LoadDriver.Tests;

/// <summary>The open model's schedule and the coordinated-omission correction, on a fake clock, so they are exact.</summary>
public sealed class ScheduleTests
{
    private static readonly Uri Target = new("http://127.0.0.1:1/");

    /// <summary>A target that answers at once, noting when (on the fake clock) each request arrived.</summary>
    private sealed class InstantTarget : ILoadTarget
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task<LoadOutcome> SendAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Task.FromResult(new LoadOutcome(200));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A target with one connection whose first answer takes a second: everything behind it waits.</summary>
    private sealed class StallingTarget(TimeProvider time, TimeSpan stall) : ILoadTarget
    {
        private readonly SemaphoreSlim _connection = new(1);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public async Task<LoadOutcome> SendAsync(CancellationToken cancellationToken)
        {
            var first = Interlocked.Increment(ref _count) == 1;
            await _connection.WaitAsync(cancellationToken);
            try
            {
                if (first)
                {
                    await Task.Delay(stall, time, cancellationToken);
                }

                return new LoadOutcome(200);
            }
            finally
            {
                _connection.Release();
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task OpenModel_SendsExactlyWhatIsDue_NoMoreNoLess()
    {
        var time = new FakeTimeProvider();
        var target = new InstantTarget();
        var plan = new LoadPlan { Target = Target, RatePerSecond = 50, Requests = 100 };

        var run = LoadRunner.RunAsync(plan, target, time);
        await Until(() => target.Count == 1);

        // One second in: requests due at 0, 20, …, 1000 ms have gone out, and the driver waits for the one due at 1020 ms.
        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => target.Count == 51);
        Assert.False(run.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var report = await run;
        Assert.Equal(100, target.Count);
        Assert.Equal(100, report.Requests);
        Assert.Equal(100, report.Succeeded);
        Assert.Equal(50, report.TargetRate);
    }

    [Fact]
    public async Task ADurationBound_StopsTheScheduleAtTheDuration()
    {
        var time = new FakeTimeProvider();
        var target = new InstantTarget();
        var run = LoadRunner.RunAsync(new LoadPlan { Target = Target, RatePerSecond = 10, Duration = TimeSpan.FromSeconds(2) }, target, time);
        await Until(() => target.Count == 1);

        time.Advance(TimeSpan.FromSeconds(5));
        var report = await run;

        Assert.Equal(20, report.Requests); // due at 0, 0.1, …, 1.9 s
    }

    [Fact]
    public async Task Latency_CountsFromWhenARequestWasDue_NotFromWhenItWentOut()
    {
        // 100 requests at 100/s behind a one-connection target that stalls for the first second: request i was due
        // at 10·i ms and answered at 1000 ms. Measured from when each went out, every request but the first would
        // look instant (coordinated omission); measured from when it was due, request i waited 1000 − 10·i ms.
        var time = new FakeTimeProvider();
        var target = new StallingTarget(time, TimeSpan.FromSeconds(1));
        var run = LoadRunner.RunAsync(new LoadPlan { Target = Target, RatePerSecond = 100, Requests = 100 }, target, time);
        await Until(() => target.Count == 1);

        time.Advance(TimeSpan.FromSeconds(1));
        var report = await run;

        Assert.Equal(100, report.Requests);
        Assert.InRange(report.Max.TotalMilliseconds, 999, 1001);
        Assert.InRange(report.Percentile(50).TotalMilliseconds, 495, 515);
        Assert.InRange(report.Percentile(99).TotalMilliseconds, 985, 1001);
        // The driver itself sent late (the fake clock jumped): the report says so separately.
        Assert.True(report.SendLag.GetValueAtPercentile(50) > 0);
    }

    [Fact]
    public void APlanMustBeBounded_AndStayOnLoopback()
    {
        Assert.Throws<ArgumentException>(() => new LoadPlan { Target = Target, RatePerSecond = 10 }.Validate());
        var outside = Assert.Throws<ArgumentException>(() => new LoadPlan { Target = new Uri("http://10.0.0.1/"), Requests = 1 }.Validate());
        Assert.Contains("not a loopback address", outside.Message, StringComparison.Ordinal);
        new LoadPlan { Target = new Uri("http://localhost:8080/"), Requests = 1 }.Validate();
        new LoadPlan { Target = new Uri("http://127.0.0.9:8080/"), Requests = 1 }.Validate();
        new LoadPlan { Target = new Uri("http://[::1]:8080/"), Requests = 1 }.Validate();
    }

    /// <summary>Waits until the runner has caught up with the fake clock.</summary>
    private static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), timeout.Token);
        }
    }
}
