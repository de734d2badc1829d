using Mesh.DataPlane.Security;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.DataPlane.Tests.Security;

public class TokenBucketTests
{
    [Fact]
    public void TryTake_StartsFull_RefillsPerInterval_NeverBeyondTheMaximum()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(maxTokens: 5, tokensPerFill: 2, TimeSpan.FromSeconds(10), time);

        Assert.Equal(5, Enumerable.Range(0, 8).Count(_ => bucket.TryTake()));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Enumerable.Range(0, 8).Count(_ => bucket.TryTake()));
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(5, bucket.Available);
    }
}
