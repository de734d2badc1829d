using System.Reflection;
using Reqnroll.XunitAdapter.Model;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Execution;

/// <summary>
/// Invokes the <see cref="GherkinFeaturesAttribute"/> method with the scenario to run, and gives the scenario an
/// xunit output so its step trace ends up in the test result.
/// </summary>
internal sealed class ScenarioTestRunner(
    string scenarioId,
    ITest test,
    IMessageBus messageBus,
    Type testClass,
    object[] constructorArguments,
    MethodInfo testMethod,
    string skipReason,
    IReadOnlyList<BeforeAfterTestAttribute> beforeAfterAttributes,
    ExceptionAggregator aggregator,
    CancellationTokenSource cancellationTokenSource)
    : XunitTestRunner(test, messageBus, testClass, constructorArguments, testMethod, [], skipReason, beforeAfterAttributes, aggregator, cancellationTokenSource)
{
    protected override async Task<Tuple<decimal, string>> InvokeTestAsync(ExceptionAggregator aggregator)
    {
        var output = new TestOutputHelper();
        output.Initialize(MessageBus, Test);
        try
        {
            var testAssembly = TestClass.Assembly;
            var scenario = FeatureFile.FindScenario(FeatureFile.BaseDirectoryOf(testAssembly), scenarioId);
            TestMethodArguments = [new GherkinScenario(scenario, testAssembly, output)];

            var (time, classOutput) = await base.InvokeTestAsync(aggregator);
            return Tuple.Create(time, classOutput + output.Output);
        }
        finally
        {
            output.Uninitialize();
        }
    }
}
