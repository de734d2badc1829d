using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps for a workload the mesh did not start, brought in by a WorkloadEntry.</summary>
[Binding]
public sealed class WorkloadEntryStepDefinitions(OutsideWorkloadDriver outside, MeshConfigDriver config)
{
    [Given("a details server the mesh did not start listens on a loopback port")]
    public void GivenAnOutsideDetailsServer() => outside.StartDetails();

    [When("its WorkloadEntry is applied as details {string}")]
    public Task WhenItsWorkloadEntryIsApplied(string version) => config.ApplyTextAsync(outside.WorkloadEntry(version), "workload-entry.yaml");

    [When("details is routed to its subset {string}")]
    public Task WhenDetailsIsRoutedToSubset(string version) => config.ApplyTextAsync(OutsideWorkloadDriver.RoutingTo(version), "details-routing.yaml");

    [Then("the server the mesh did not start answered the mesh's calls")]
    public void ThenTheOutsideServerAnswered() => Assert.True(outside.Requests > 0, "the server outside the mesh was never called");
}
