using System.Reflection;
using Reqnroll.XunitAdapter.Discovery;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Execution;

/// <summary>xunit's test case runner, running the test with <see cref="ScenarioTestRunner"/>.</summary>
internal sealed class ScenarioTestCaseRunner(
    ScenarioTestCase testCase,
    object[] constructorArguments,
    IMessageBus messageBus,
    ExceptionAggregator aggregator,
    CancellationTokenSource cancellationTokenSource)
    // The real argument (a GherkinScenario) is created per run by ScenarioTestRunner.
    : XunitTestCaseRunner(testCase, testCase.DisplayName, testCase.SkipReason, constructorArguments, [], messageBus, aggregator, cancellationTokenSource)
{
    protected override XunitTestRunner CreateTestRunner(
        ITest test,
        IMessageBus messageBus,
        Type testClass,
        object[] constructorArguments,
        MethodInfo testMethod,
        object[] testMethodArguments,
        string skipReason,
        IReadOnlyList<BeforeAfterTestAttribute> beforeAfterAttributes,
        ExceptionAggregator aggregator,
        CancellationTokenSource cancellationTokenSource)
        => new ScenarioTestRunner(
            testCase.ScenarioId, test, messageBus, testClass, constructorArguments, testMethod, skipReason,
            beforeAfterAttributes, new ExceptionAggregator(aggregator), cancellationTokenSource);
}
