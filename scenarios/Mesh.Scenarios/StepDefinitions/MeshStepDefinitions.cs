using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps about the mesh as a whole: that it runs and its proxies are in sync.</summary>
[Binding]
public sealed class MeshStepDefinitions(ControlPlaneDriver controlPlane)
{
    [Given("the mesh is running")]
    public Task GivenTheMeshIsRunning() => controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(2));
}
