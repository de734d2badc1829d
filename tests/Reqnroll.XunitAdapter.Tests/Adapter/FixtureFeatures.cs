namespace Reqnroll.XunitAdapter.Tests.Adapter;

/// <summary>
/// Glue for the fixture features. Internal, so xunit does not discover it: <see cref="XunitHarness"/> discovers
/// and runs its scenarios the way xunit does, because several of them fail on purpose.
/// </summary>
#pragma warning disable xUnit1000 // Internal on purpose: see the summary.
internal sealed class FixtureFeatures
#pragma warning restore xUnit1000
{
    [GherkinFeatures("AdapterFixtures")]
    public Task Scenario(GherkinScenario scenario) => scenario.RunAsync();
}
