using Mesh.Chaos.Rollouts;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Chaos.Tests;

public class CanaryRolloutTests
{
    private static readonly CanaryGate Gate = new(MaxErrorPercent: 1, MaxP99: TimeSpan.FromMilliseconds(800), MinRequests: 10);

    [Fact]
    public async Task RunAsync_EveryStepWithinTheGate_PromotesAfterOneWindowPerStep()
    {
        var time = new FakeTimeProvider();
        var target = new FakeCanary(time, _ => new CanaryMeasurement(100, 0.2, TimeSpan.FromMilliseconds(120)));
        var rollout = new CanaryRollout(target, [10, 25, 50, 100], Gate, TimeSpan.FromSeconds(10), time);

        var result = await RunInVirtualTime(time, rollout);

        Assert.True(result.Promoted);
        Assert.Equal([10, 25, 50, 100], target.Weights);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40)], target.MeasuredAt);
    }

    [Theory]
    [InlineData(5.0, 100, "error rate above 1%")]
    [InlineData(0.0, 2000, "p99 above 800 ms")]
    public async Task RunAsync_CanaryBreaksTheGateAtOneStep_RollsBackToZeroAndStops(double errors, int p99, string verdict)
    {
        var time = new FakeTimeProvider();
        var target = new FakeCanary(time, percent => percent < 50
            ? new CanaryMeasurement(100, 0, TimeSpan.FromMilliseconds(100))
            : new CanaryMeasurement(100, errors, TimeSpan.FromMilliseconds(p99)));

        var result = await RunInVirtualTime(time, new CanaryRollout(target, [10, 25, 50, 100], Gate, TimeSpan.FromSeconds(10), time));

        Assert.False(result.Promoted);
        Assert.Equal([10, 25, 50, 0], target.Weights);
        Assert.Equal(50, result.Steps[^1].Percent);
        Assert.Contains(verdict, result.Steps[^1].Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TooLittleTraffic_CountsAsAFailedStep()
    {
        var time = new FakeTimeProvider();
        var target = new FakeCanary(time, _ => new CanaryMeasurement(3, 0, TimeSpan.FromMilliseconds(10)));

        var result = await RunInVirtualTime(time, new CanaryRollout(target, [10, 100], Gate, TimeSpan.FromSeconds(10), time));

        Assert.False(result.Promoted);
        Assert.Equal([10, 0], target.Weights);
        Assert.Contains("too little traffic", result.Steps[0].Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StepsNotIncreasing_IsRefused() =>
        await Assert.ThrowsAsync<ArgumentException>(() =>
            new CanaryRollout(new FakeCanary(new FakeTimeProvider(), _ => null!), [50, 25], Gate, TimeSpan.FromSeconds(1)).RunAsync());

    /// <summary>Advances the fake clock whenever the rollout waits, until it finishes.</summary>
    private static async Task<CanaryResult> RunInVirtualTime(FakeTimeProvider time, CanaryRollout rollout)
    {
        var run = rollout.RunAsync();
        while (!run.IsCompleted)
        {
            await Task.Yield();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        return await run;
    }

    private sealed class FakeCanary(FakeTimeProvider time, Func<int, CanaryMeasurement> measure) : ICanaryTarget
    {
        private readonly DateTimeOffset _start = time.GetUtcNow();

        public List<int> Weights { get; } = [];

        public List<TimeSpan> MeasuredAt { get; } = [];

        public Task SetCanaryWeightAsync(int percent, CancellationToken cancellationToken)
        {
            Weights.Add(percent);
            return Task.CompletedTask;
        }

        public Task<CanaryMeasurement> MeasureAsync(TimeSpan window, CancellationToken cancellationToken)
        {
            MeasuredAt.Add(time.GetUtcNow() - _start);
            return Task.FromResult(measure(Weights[^1]));
        }
    }
}
