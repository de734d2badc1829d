using Mesh.Config.Model.Networking;
using Mesh.Config.Source;
using Mesh.DataPlane.Resilience;

namespace Mesh.DataPlane.Tests.Resilience;

public class ConnectionPoolLimiterTests
{
    private static ConnectionPoolLimiter Limiter(int maxConnections, int pending, int? maxRetries = null) => new(new ConnectionPoolSettings
    {
        Source = SourceSpan.None,
        Tcp = new TcpSettings { MaxConnections = maxConnections },
        Http = new HttpSettings { Http1MaxPendingRequests = pending, MaxRetries = maxRetries },
    });

    [Fact]
    public async Task Acquire_PastActiveAndPending_OverflowsAtOnce()
    {
        using var limiter = Limiter(maxConnections: 1, pending: 1);
        using var active = await limiter.AcquireAsync(CancellationToken.None);
        var queued = limiter.AcquireAsync(CancellationToken.None);

        var overflow = await limiter.AcquireAsync(CancellationToken.None);

        Assert.NotNull(active);
        Assert.False(queued.IsCompleted);
        Assert.Null(overflow);
        Assert.Equal(1, limiter.Overflows);
        Assert.Equal(1, limiter.Pending);
        active!.Dispose();
        using var promoted = await queued;
        Assert.NotNull(promoted);
    }

    [Fact]
    public async Task Acquire_QueuedRequestWhoseTimeoutFires_LeavesTheQueue()
    {
        using var limiter = Limiter(maxConnections: 1, pending: 1);
        using var active = await limiter.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var queued = limiter.AcquireAsync(cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queued);
        Assert.Equal(0, limiter.Pending);
    }

    [Fact]
    public void TryStartRetry_BeyondMaxRetries_IsRefused()
    {
        using var limiter = Limiter(maxConnections: 10, pending: 10, maxRetries: 2);

        Assert.True(limiter.TryStartRetry());
        Assert.True(limiter.TryStartRetry());
        Assert.False(limiter.TryStartRetry());
        limiter.RetryFinished();
        Assert.True(limiter.TryStartRetry());
        Assert.Equal(1, limiter.RetryOverflows);
    }

    [Fact]
    public void Defaults_AreEnvoys() 
    {
        using var limiter = new ConnectionPoolLimiter(null);

        Assert.Equal(1024, limiter.MaxActive);
        Assert.Equal(1024, limiter.MaxPending);
    }
}
