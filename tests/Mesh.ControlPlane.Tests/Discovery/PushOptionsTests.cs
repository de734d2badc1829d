using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Tests.Discovery;

/// <summary>Push settings that could never work are refused at start with the setting's name, not a bare ArgumentOutOfRange.</summary>
public class PushOptionsTests
{
    [Theory]
    [InlineData(0, 30, "FullPushConcurrency must be at least 1 (is 0)")]
    [InlineData(32, 0, "PushTimeout positive (is 00:00:00)")]
    public void ImpossiblePushSettings_AreRefusedByName(int concurrency, int timeoutSeconds, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ProxyConnections(Options.Create(new ControlPlaneOptions
        {
            FullPushConcurrency = concurrency,
            PushTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        })));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
