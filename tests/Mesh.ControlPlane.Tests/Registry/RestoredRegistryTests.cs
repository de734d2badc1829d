using Mesh.Config.Registry;
using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Registry;
using Mesh.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.ControlPlane.Tests.Registry;

public sealed class RestoredRegistryTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _state = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Restart_ServesTheLastRegistryUntilEachProxyReconnects()
    {
        using (var first = Registry())
        {
            first.Register("reviews-v1.default", Guid.NewGuid(), Reviews("v1", "127.0.0.1:41001"));
            first.Register("reviews-v2.default", Guid.NewGuid(), Reviews("v2", "127.0.0.1:41002"));
        }

        using var restarted = Registry();

        Assert.Equal(["127.0.0.1:41001", "127.0.0.1:41002"], Addresses(restarted));
        Assert.Equal(2, restarted.RestoredCount);

        var connection = Guid.NewGuid();
        restarted.Register("reviews-v1.default", connection, Reviews("v1", "127.0.0.1:42001"));
        Assert.Equal(["127.0.0.1:41002", "127.0.0.1:42001"], Addresses(restarted));
        Assert.Equal(1, restarted.RestoredCount);
    }

    [Fact]
    public void Shutdown_ProxiesLeavingAsTheControlPlaneStops_AreStillThereAfterTheRestart()
    {
        using (var first = Registry())
        {
            var connection = Guid.NewGuid();
            first.Register("reviews-v1.default", connection, Reviews("v1", "127.0.0.1:41001"));
            _time.Advance(TimeSpan.FromSeconds(1));
            first.Freeze();
            first.Unregister("reviews-v1.default", connection);
        }

        using var restarted = Registry();

        Assert.Equal(["127.0.0.1:41001"], Addresses(restarted));
    }

    [Fact]
    public void Restart_AProxyThatNeverReconnects_IsDroppedAfterTheGrace()
    {
        using (var first = Registry())
        {
            first.Register("reviews-v1.default", Guid.NewGuid(), Reviews("v1", "127.0.0.1:41001"));
            first.Register("reviews-v2.default", Guid.NewGuid(), Reviews("v2", "127.0.0.1:41002"));
        }

        using var restarted = Registry();
        restarted.Register("reviews-v1.default", Guid.NewGuid(), Reviews("v1", "127.0.0.1:41001"));

        _time.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Equal(2, Addresses(restarted).Length);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["127.0.0.1:41001"], Addresses(restarted));
        Assert.Equal(0, restarted.RestoredCount);
    }

    [Fact]
    public void Restart_RestoredWorkloadIsNotRemovedByAnOldConnectionEnding()
    {
        var old = Guid.NewGuid();
        using (var first = Registry())
        {
            first.Register("reviews-v1.default", old, Reviews("v1", "127.0.0.1:41001"));
        }

        using var restarted = Registry();
        restarted.Unregister("reviews-v1.default", old);

        Assert.Single(Addresses(restarted));
    }

    [Fact]
    public void Restart_CorruptStateFile_StartsEmpty()
    {
        File.WriteAllText(Path.Combine(_state.Path, "registry.json"), "{ not json");

        using var registry = Registry();

        Assert.Empty(Addresses(registry));
    }

    public void Dispose() => _state.Dispose();

    private WorkloadRegistry Registry() =>
        new(new ChangeNotifier(), NullLogger<WorkloadRegistry>.Instance, _time, new RegistryStateFile(_state.Path), Grace);

    private static string[] Addresses(WorkloadRegistry registry) =>
        [.. registry.Snapshot().Workloads.Select(w => w.Address).Order(StringComparer.Ordinal)];

    private static Workload Reviews(string version, string address) => new()
    {
        Name = $"reviews-{version}",
        Address = address,
        Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = version },
        Ports = [new WorkloadPort("http", 9080, int.Parse(address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture))],
    };
}
