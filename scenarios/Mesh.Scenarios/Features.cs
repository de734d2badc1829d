using Reqnroll.XunitAdapter;

// [BeforeTestRun] (start the mesh once) and [AfterTestRun] (stop it) wrap the whole run.
[assembly: TestFramework(GherkinTestFramework.TypeName, GherkinTestFramework.AssemblyName)]

// Scenarios share one running mesh; they run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Mesh.Scenarios;

/// <summary>Runs every scenario under Features/ as an xunit test.</summary>
public class Features
{
    [GherkinFeatures("Features")]
    public Task Scenario(GherkinScenario scenario) => scenario.RunAsync();
}
