using Mesh.DataPlane.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.DataPlane.Tests.Resilience;

public class RetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryRetry_AllowsTheRatioOfRequestsPlusTheFloor()
    {
        var budget = new RetryBudget(0.2, minRetriesPerSecond: 1, _time);
        for (var i = 0; i < 100; i++)
        {
            budget.RecordRequest();
        }

        var granted = Enumerable.Range(0, 100).Count(_ => budget.TryRetry());

        // 20 % of 100 requests, plus a floor of 1 a second over the 10 s window.
        Assert.Equal(20 + 10, granted);
        Assert.Equal(70, budget.Exhausted);
    }

    [Fact]
    public void TryRetry_WindowSlides_OldRequestsStopCounting()
    {
        var budget = new RetryBudget(0.5, minRetriesPerSecond: 0, _time);
        for (var i = 0; i < 10; i++)
        {
            budget.RecordRequest();
        }

        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.False(budget.TryRetry());
    }

    [Fact]
    public void DestinationFailingEverything_ReceivesAtMostItsLoadTimesOnePlusTheRatio()
    {
        // 50 requests a second for 60 s to a destination that always fails; each request may retry 3 times.
        var budget = new RetryBudget(RetryBudget.DefaultRatio, RetryBudget.DefaultMinRetriesPerSecond, _time);
        long attempts = 0;
        for (var second = 0; second < 60; second++)
        {
            for (var request = 0; request < 50; request++)
            {
                budget.RecordRequest();
                attempts++;
                for (var retry = 0; retry < 3 && budget.TryRetry(); retry++)
                {
                    attempts++;
                }
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Without a budget the destination would get 4 × 3000 = 12000 attempts.
        Assert.InRange(attempts, 3000, (long)(3000 * 1.2) + (10 * 60));
    }
}
