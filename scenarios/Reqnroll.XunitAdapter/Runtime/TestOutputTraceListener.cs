using Reqnroll.BoDi;
using Reqnroll.Infrastructure;
using Reqnroll.Tracing;
using Xunit.Abstractions;

namespace Reqnroll.XunitAdapter.Runtime;

/// <summary>
/// Writes Reqnroll's step trace and <see cref="IReqnrollOutputHelper"/> output to the xunit output of the running
/// scenario; output outside a scenario (test run and feature hooks) goes to the console.
/// </summary>
internal sealed class TestOutputTraceListener(IObjectContainer testThreadContainer) : ITraceListener
{
    public void WriteTestOutput(string message) => Write(message);

    public void WriteToolOutput(string message) => Write("-> " + message);

    private void Write(string message)
    {
        var scenarioContainer = testThreadContainer.Resolve<IContextManager>().ScenarioContext?.ScenarioContainer;
        if (scenarioContainer is not null && scenarioContainer.IsRegistered<ITestOutputHelper>())
            scenarioContainer.Resolve<ITestOutputHelper>().WriteLine(message);
        else
            Console.WriteLine(message);
    }
}
