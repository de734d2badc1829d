using System.Diagnostics.Metrics;
using Mesh.Config.Model.Networking;
using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Registry;
using Mesh.ControlPlane.Telemetry;
using Mesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ControlPlane.Tests.Configuration;

/// <summary>The config folder is judged file by file: a bad file is a finding, and the rest of the folder is served.</summary>
public sealed class ConfigFolderTests : IDisposable
{
    private const string Details = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: details}\nspec:\n  host: details\n";
    private const string Reviews = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n";
    private const string HalfSaved = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ratings}\nspec:\n  http: [{route: [{destination: {host: ratings}}]}]\n  hosts: [ratings\n";

    private readonly TempDirectory _folder = new();
    private readonly TempDirectory _state = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public void Start_WithAHalfSavedFile_ServesTheRestAndReportsTheFile()
    {
        _folder.Write("details.yaml", Details);
        _folder.Write("ratings.yaml", HalfSaved);

        var store = Store();
        store.Load();

        Assert.Equal(["DestinationRule/default/details"], store.Current.Resources.Select(r => r.Key));
        var finding = Assert.Single(store.Status.RejectedFindings);
        Assert.Equal(("MESH101", true), (finding.Code, finding.Source.File.EndsWith("ratings.yaml", StringComparison.Ordinal)));
        Assert.Equal(7, finding.Source.Line);
    }

    [Fact]
    public void FileHalfSavedLater_KeepsItsLastGoodVersion_WhileAnotherFilesChangeTakesEffect()
    {
        _folder.Write("details.yaml", Details);
        _folder.Write("ratings.yaml", HalfSaved.Replace("[ratings\n", "[ratings]\n", StringComparison.Ordinal));
        var store = Store();
        store.Load();
        Assert.Equal(2, store.Current.Resources.Count);

        _folder.Write("ratings.yaml", HalfSaved);
        _folder.Write("reviews.yaml", Reviews);
        store.ReloadFiles("test");

        Assert.Equal(["DestinationRule/default/details", "DestinationRule/default/reviews", "VirtualService/default/ratings"],
            store.Current.Resources.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.True(store.Status.LastChangeRejected);
        Assert.Contains(store.Status.RejectedFindings, f => f.Source.File.EndsWith("ratings.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Restart_WithAFileHalfSaved_ServesItsLastGoodVersionFromTheStateFolder()
    {
        _folder.Write("ratings.yaml", HalfSaved.Replace("[ratings\n", "[ratings]\n", StringComparison.Ordinal));
        Store().Load();
        _folder.Write("ratings.yaml", HalfSaved);

        var restarted = Store();
        restarted.Load();

        var served = Assert.IsType<VirtualService>(Assert.Single(restarted.Current.Resources));
        Assert.Equal("ratings", served.Hosts.Single());
    }

    [Fact]
    public void DuplicateAcrossFiles_RefusesTheFileThatBringsIt()
    {
        _folder.Write("a.yaml", Details);
        var store = Store();
        store.Load();

        _folder.Write("b.yaml", Details + "  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n");
        store.ReloadFiles("test");

        var served = Assert.IsType<DestinationRule>(Assert.Single(store.Current.Resources));
        Assert.Null(served.TrafficPolicy);
        Assert.Contains(store.Status.RejectedFindings, f => f.Code == "MESH112" && f.Source.File.EndsWith("b.yaml", StringComparison.Ordinal));
    }

    private ConfigStore Store()
    {
        var notifier = new ChangeNotifier();
        var registry = new WorkloadRegistry(notifier, NullLogger<WorkloadRegistry>.Instance);
        return new ConfigStore(_folder.Path, new AppliedConfigFile(_state.Path), registry, notifier,
            new ControlPlaneMetrics(_services.GetRequiredService<IMeterFactory>()), TimeProvider.System, NullLogger<ConfigStore>.Instance);
    }

    public void Dispose()
    {
        _services.Dispose();
        _folder.Dispose();
        _state.Dispose();
    }
}
