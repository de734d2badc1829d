using Reqnroll.XunitAdapter;
using Xunit;

// The adapter's test framework runs [BeforeTestRun]/[AfterTestRun] once around the whole assembly.
[assembly: TestFramework(GherkinTestFramework.TypeName, GherkinTestFramework.AssemblyName)]

// Scenarios and the adapter's own tests share one Reqnroll test run; running them one at a time keeps it simple.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Reqnroll.XunitAdapter.Tests;

/// <summary>Runs every scenario under Features/ as an xunit test.</summary>
public class Features
{
    [GherkinFeatures("Features")]
    public Task Scenario(GherkinScenario scenario) => scenario.RunAsync();
}
