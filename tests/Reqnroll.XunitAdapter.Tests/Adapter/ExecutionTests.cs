using Xunit;
using Xunit.Abstractions;

namespace Reqnroll.XunitAdapter.Tests.Adapter;

/// <summary>Outcomes of the fixture scenarios run through xunit's runners and the Reqnroll runtime.</summary>
public class ExecutionTests
{
    private const string Feature = "Adapter outcomes";

    [Fact]
    public async Task Run_PassingScenario_PassesWithTheStepTraceAndBindingOutputInItsOutput()
    {
        var result = await RunAsync("Passing scenario");

        Assert.IsAssignableFrom<ITestPassed>(result);
        Assert.Contains("Given a fixture step that passes", result.Output);
        Assert.Contains("-> done: FixtureSteps.AFixtureStepThatPasses()", result.Output);
        Assert.Contains("hello from a binding", result.Output);
        Assert.Contains("report.txt", result.Output);
    }

    [Fact]
    public async Task Run_UndefinedStep_FailsNamingTheStepAndSuggestingABinding()
    {
        var failed = Assert.IsAssignableFrom<ITestFailed>(await RunAsync("Undefined step"));

        var message = string.Join(Environment.NewLine, failed.Messages);
        Assert.Contains("Step \"When a step nobody has bound with 42 items\" (AdapterFixtures/Outcomes.feature:11) is undefined", message);
        Assert.Contains("[When(\"a step nobody has bound with {int} items\")]", message);
    }

    [Fact]
    public async Task Run_PendingStep_FailsSayingTheStepIsPending()
    {
        var failed = Assert.IsAssignableFrom<ITestFailed>(await RunAsync("Pending step"));

        var message = string.Join(Environment.NewLine, failed.Messages);
        Assert.Contains("Step \"Given a fixture step that is pending\" (AdapterFixtures/Outcomes.feature:14) is pending", message);
        Assert.Contains("FixtureSteps.AFixtureStepThatIsPending()", message);
    }

    [Fact]
    public async Task Run_FailingStep_FailsWithTheStepTextAndTheStepsException()
    {
        var failed = Assert.IsAssignableFrom<ITestFailed>(await RunAsync("Failing step"));

        Assert.Contains("Scenario failed at step \"When a fixture step fails with \"boom\"\" (AdapterFixtures/Outcomes.feature:18)", failed.Messages[0]);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.ExceptionTypes[1]);
        Assert.Equal("boom", failed.Messages[1]);
        Assert.Contains("-> error: boom", failed.Output);
    }

    [Fact]
    public async Task Run_AmbiguousStep_FailsNamingBothBindings()
    {
        var failed = Assert.IsAssignableFrom<ITestFailed>(await RunAsync("Ambiguous step"));

        var message = string.Join(Environment.NewLine, failed.Messages);
        Assert.Contains("Ambiguous step definitions found for step 'Given a fixture step bound twice'", message);
        Assert.Contains(nameof(FixtureSteps.BoundOnce), message);
        Assert.Contains(nameof(FixtureSteps.BoundTwice), message);
    }

    [Fact]
    public async Task Run_IgnoreTag_IsSkipped()
    {
        Assert.IsAssignableFrom<ITestSkipped>(await RunAsync("Ignored scenario"));
    }

    [Fact]
    public async Task Run_ScenarioIgnoredAtRunTime_IsSkippedWithTheReason()
    {
        var skipped = Assert.IsAssignableFrom<ITestSkipped>(await RunAsync("Scenario ignored at run time"));

        Assert.Contains("not today", skipped.Reason);
    }

    [Fact]
    public async Task Run_OutlineRow_SubstitutesTheRowValues()
    {
        var result = await RunAsync("Outline rows [row 3: a=5, b=6]");

        Assert.IsAssignableFrom<ITestPassed>(result);
        Assert.Contains("Given a fixture step that passes with 5 and 6", result.Output);
    }

    [Fact]
    public async Task Run_ScenarioInARule_RunsTheRuleBackgroundFirst()
    {
        var result = await RunAsync("A rule › Scenario in a rule");

        Assert.IsAssignableFrom<ITestPassed>(result);
        Assert.True(
            result.Output.IndexOf("rule background ran", StringComparison.Ordinal) < result.Output.IndexOf("Given a fixture step that passes", StringComparison.Ordinal),
            result.Output);
    }

    private static Task<ITestResultMessage> RunAsync(string scenario)
        => XunitHarness.RunAsync(XunitHarness.Fixture($"{Feature} › {scenario}"));
}
