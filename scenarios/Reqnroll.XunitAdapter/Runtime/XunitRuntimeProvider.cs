using Reqnroll.UnitTestProvider;

namespace Reqnroll.XunitAdapter.Runtime;

/// <summary>
/// Maps Reqnroll's outcomes onto xunit v2, which knows only pass, fail and skip: undefined, pending and inconclusive
/// scenarios fail; ignored ones are reported as skipped.
/// </summary>
internal sealed class XunitRuntimeProvider : IUnitTestRuntimeProvider
{
    public void TestPending(string message) => throw new StepsNotImplementedException(message);

    public void TestInconclusive(string message) => throw new StepsNotImplementedException($"Inconclusive (xunit has no such outcome, so the scenario fails): {message}");

    public void TestIgnore(string message) => throw new ScenarioSkippedException(message);

    public ScenarioExecutionStatus? DetectExecutionStatus(Exception exception)
        => exception is ScenarioSkippedException ? ScenarioExecutionStatus.Skipped : null;
}
