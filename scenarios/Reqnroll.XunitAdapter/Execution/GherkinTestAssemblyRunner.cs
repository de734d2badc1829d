using System.Reflection;
using Reqnroll.XunitAdapter.Discovery;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Execution;

/// <summary>
/// Runs the test assembly inside one Reqnroll test run: <c>[BeforeTestRun]</c> before the first test,
/// <c>[AfterTestRun]</c> after the last one, and the scenarios of a feature one after another in file order.
/// </summary>
internal sealed class GherkinTestAssemblyRunner(
    ITestAssembly testAssembly,
    IEnumerable<IXunitTestCase> testCases,
    IMessageSink diagnosticMessageSink,
    IMessageSink executionMessageSink,
    ITestFrameworkExecutionOptions executionOptions)
    : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
{
    private readonly Assembly _assembly = ((IReflectionAssemblyInfo)testAssembly.Assembly).Assembly;

    protected override async Task AfterTestAssemblyStartingAsync()
    {
        await base.AfterTestAssemblyStartingAsync();
        TestCaseOrderer = new FeatureOrderTestCaseOrderer(TestCaseOrderer);

        TestRun.Open(_assembly);
        if (TestCases.Any(testCase => testCase is ScenarioTestCase))
        {
            // A failing [BeforeTestRun] hook lands in the aggregator, which fails every test with its exception.
            await Aggregator.RunAsync(() => TestRun.StartAsync(_assembly));
        }
    }

    protected override async Task BeforeTestAssemblyFinishedAsync()
    {
        // A failing [AfterTestRun] hook is reported as a test assembly cleanup failure.
        await Aggregator.RunAsync(() => TestRun.EndAsync(_assembly));
        await base.BeforeTestAssemblyFinishedAsync();
    }
}
