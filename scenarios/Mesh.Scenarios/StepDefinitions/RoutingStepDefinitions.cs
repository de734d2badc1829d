using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that change the mesh's routing: applying Istio files as a user would with meshctl.</summary>
[Binding]
public sealed class RoutingStepDefinitions(ControlPlaneDriver controlPlane, MeshConfigDriver config, TrafficDriver traffic)
{
    [Given("the mesh is running with routing {string}")]
    public async Task GivenTheMeshIsRunningWithRouting(string file)
    {
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(2));
        await config.ApplyAsync(file);
    }

    [Given("routing {string} is applied")]
    [When("routing {string} is applied")]
    public Task WhenRoutingIsApplied(string file) => config.ApplyAsync(file);

    [When("after {int} responses routing {string} is applied")]
    public async Task WhenAfterResponsesRoutingIsApplied(int responses, string file)
    {
        await traffic.WaitForResponsesAsync(responses);
        await config.ApplyAsync(file);
    }
}
