using Mesh.Config.Model.Networking;
using Mesh.Config.Source;
using Mesh.DataPlane.Resilience;

namespace Mesh.DataPlane.Tests.Resilience;

public class RetryPolicyTests
{
    private static RetryPolicy Policy(string? retryOn, int attempts = 3) =>
        RetryPolicy.From(new HttpRetry { Source = SourceSpan.None, Attempts = attempts, RetryOn = retryOn });

    [Fact]
    public void From_NoRetriesBlock_IsIstiosDefault()
    {
        var policy = RetryPolicy.From(null);

        Assert.Equal(2, policy.Retries);
        Assert.True(policy.IsRetriable(AttemptOutcome.Failed(UpstreamFailure.ConnectFailure)));
        Assert.True(policy.IsRetriable(AttemptOutcome.Failed(UpstreamFailure.RefusedStream)));
        Assert.True(policy.IsRetriable(AttemptOutcome.Response(503)));
        Assert.True(policy.IsRetriable(AttemptOutcome.Response(200, grpcStatus: 14)));
        Assert.True(policy.IsRetriable(AttemptOutcome.Response(200, grpcStatus: 1)));
        Assert.False(policy.IsRetriable(AttemptOutcome.Response(500)));
        Assert.False(policy.IsRetriable(AttemptOutcome.Failed(UpstreamFailure.Reset)));
    }

    [Fact]
    public void From_ZeroAttempts_DisablesRetries() => Assert.Equal(0, Policy("5xx", attempts: 0).Retries);

    [Theory]
    [InlineData("5xx", 500, null, UpstreamFailure.None, true)]
    [InlineData("5xx", 404, null, UpstreamFailure.None, false)]
    [InlineData("5xx", null, null, UpstreamFailure.Timeout, true)]
    [InlineData("gateway-error", 502, null, UpstreamFailure.None, true)]
    [InlineData("gateway-error", 500, null, UpstreamFailure.None, false)]
    [InlineData("reset", null, null, UpstreamFailure.Reset, true)]
    [InlineData("reset", null, null, UpstreamFailure.ConnectFailure, false)]
    [InlineData("connect-failure", null, null, UpstreamFailure.ConnectFailure, true)]
    [InlineData("retriable-4xx", 409, null, UpstreamFailure.None, true)]
    [InlineData("retriable-4xx", 404, null, UpstreamFailure.None, false)]
    [InlineData("refused-stream", null, null, UpstreamFailure.RefusedStream, true)]
    [InlineData("retriable-status-codes,418", 418, null, UpstreamFailure.None, true)]
    [InlineData("418", 418, null, UpstreamFailure.None, true)]
    [InlineData("cancelled", 200, 1, UpstreamFailure.None, true)]
    [InlineData("deadline-exceeded", 200, 4, UpstreamFailure.None, true)]
    [InlineData("unavailable", 200, 14, UpstreamFailure.None, true)]
    [InlineData("unavailable", 200, 13, UpstreamFailure.None, false)]
    [InlineData("unavailable", 200, 0, UpstreamFailure.None, false)]
    public void IsRetriable_FollowsEachRetryOnCondition(string retryOn, int? status, int? grpcStatus, UpstreamFailure failure, bool expected) =>
        Assert.Equal(expected, Policy(retryOn).IsRetriable(new AttemptOutcome(status, grpcStatus, failure)));

    [Fact]
    public void Backoff_IsFullJitterUnderAnExponentialBoundCappedAtTenTimesTheBase()
    {
        var policy = Policy("5xx");

        Assert.Equal(TimeSpan.Zero, policy.Backoff(1, new ScriptedRandom(0)));
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), policy.Backoff(1, new ScriptedRandom(50)));
        Assert.Equal(TimeSpan.FromMilliseconds(50), policy.Backoff(3, new ScriptedRandom(50)));
        Assert.Equal(TimeSpan.FromMilliseconds(125), policy.Backoff(10, new ScriptedRandom(50)));
    }
}
