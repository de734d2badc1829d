using Mesh.Chaos.Actions;
using Mesh.Chaos.Experiments;
using Mesh.Config;
using Mesh.Config.Model.Networking;

namespace Mesh.Chaos.Tests;

public class MeshFaultTests
{
    [Fact]
    public void ToYaml_Delay_IsAVirtualServiceTheConfigLoaderAccepts()
    {
        var fault = new MeshFault(new RecordingConfig(), "ratings", 50, Delay: TimeSpan.FromMilliseconds(1500), Subset: "v1");

        var loaded = ConfigLoader.LoadText(fault.ToYaml(), "fault.yaml");

        Assert.False(loaded.HasErrors, string.Join('\n', loaded.Errors));
        var service = Assert.IsType<VirtualService>(Assert.Single(loaded.Resources));
        Assert.Equal("chaos-fault-ratings", service.Name);
        var route = Assert.Single(service.Http);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), route.Fault!.Delay!.FixedDelay);
        Assert.Equal(50, route.Fault.Delay.Percentage.Value);
        Assert.Equal("v1", Assert.Single(route.Route).Destination.Subset);
    }

    [Fact]
    public void ToYaml_Abort_CarriesTheStatus()
    {
        var service = (VirtualService)ConfigLoader.LoadText(new MeshFault(new RecordingConfig(), "reviews", 10, AbortStatus: 503).ToYaml(), "f.yaml").Resources.Single();

        Assert.Equal(503, service.Http[0].Fault!.Abort!.HttpStatus);
    }

    [Fact]
    public async Task RunThenRollback_AppliesThenDeletesTheResource()
    {
        var config = new RecordingConfig();
        await using (var session = new ChaosSession("fault", new ChaosContext(1)))
        {
            await session.RunAsync(new MeshFault(config, "ratings", 100, AbortStatus: 500));
        }

        Assert.Equal(["apply chaos/chaos-fault-ratings.yaml", "delete VirtualService/default/chaos-fault-ratings"], config.Calls);
    }

    [Fact]
    public void ToYaml_NeitherDelayNorAbort_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => new MeshFault(new RecordingConfig(), "ratings", 100).ToYaml());

    private sealed class RecordingConfig : IMeshConfigClient
    {
        public List<string> Calls { get; } = [];

        public Task ApplyAsync(string yaml, string source, CancellationToken cancellationToken)
        {
            Calls.Add($"apply {source}");
            return Task.CompletedTask;
        }

        public Task DeleteAsync(string kind, string @namespace, string name, CancellationToken cancellationToken)
        {
            Calls.Add($"delete {kind}/{@namespace}/{name}");
            return Task.CompletedTask;
        }
    }
}
