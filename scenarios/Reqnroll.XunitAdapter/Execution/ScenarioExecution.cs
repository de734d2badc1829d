using System.Reflection;
using System.Runtime.ExceptionServices;
using Reqnroll.Bindings;
using Reqnroll.XunitAdapter.Model;
using Reqnroll.XunitAdapter.Runtime;
using Xunit.Abstractions;

namespace Reqnroll.XunitAdapter.Execution;

/// <summary>
/// Runs one scenario through the Reqnroll runtime with the same calls, in the same order, as the code the
/// Reqnroll generator emits for a test method (test initialize, scenario, test cleanup).
/// </summary>
internal static class ScenarioExecution
{
    public static async Task RunAsync(ScenarioDefinition scenario, Assembly testAssembly, ITestOutputHelper? output)
    {
        await TestRun.StartAsync(testAssembly);

        var runner = TestRunnerManager.GetTestRunnerForAssembly(testAssembly, featureHint: scenario.Feature.Info);
        ExceptionDispatchInfo? failure = null;
        try
        {
            await EnterFeatureAsync(runner, scenario.Feature.Info);

            runner.OnScenarioInitialize(scenario.CreateScenarioInfo(), scenario.CreateRuleInfo());
            if (output is not null)
                runner.ScenarioContext.ScenarioContainer.RegisterInstanceAs(output);

            await runner.OnScenarioStartAsync();
            var failedStep = await RunStepsAsync(runner, scenario);
            await CollectErrorsAsync(runner, scenario, failedStep);
        }
        catch (Exception ex)
        {
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        try
        {
            await runner.OnScenarioEndAsync();
        }
        catch (Exception ex) when (failure is not null)
        {
            throw new AggregateException(failure.SourceException, ex);
        }
        finally
        {
            TestRunnerManager.ReleaseTestRunner(runner);
        }

        failure?.Throw();
    }

    // The runner may still hold the previous feature: end it, then start ours (like the generated test initialize).
    private static async Task EnterFeatureAsync(ITestRunner runner, FeatureInfo feature)
    {
        ExceptionDispatchInfo? previousFeatureError = null;
        if (runner.FeatureContext is { } current && !current.FeatureInfo.Equals(feature))
        {
            try
            {
                await runner.OnFeatureEndAsync();
            }
            catch (Exception ex)
            {
                previousFeatureError = ExceptionDispatchInfo.Capture(ex);
            }
        }

        if (runner.FeatureContext?.BeforeFeatureHookFailed == true)
            throw new ReqnrollException("Scenario skipped because of previous before feature hook error");

        if (runner.FeatureContext is null)
            await runner.OnFeatureStartAsync(feature);

        previousFeatureError?.Throw();
    }

    // Reqnroll records a failing step and skips the rest rather than throwing, so note the first step that failed.
    private static async Task<(ScenarioStep Step, ScenarioExecutionStatus Status)?> RunStepsAsync(ITestRunner runner, ScenarioDefinition scenario)
    {
        (ScenarioStep, ScenarioExecutionStatus)? failedStep = null;
        foreach (var step in scenario.Steps)
        {
            var wasPassing = Status(runner) == ScenarioExecutionStatus.OK;
            try
            {
                await RunStepAsync(runner, step);
            }
            catch (Exception ex) when (ex is not ScenarioSkippedException)
            {
                // Only with "stopAtFirstError": true in reqnroll.json.
                throw new ScenarioStepException(step, scenario.Feature.RelativePath, Status(runner), ex);
            }

            if (wasPassing && Status(runner) != ScenarioExecutionStatus.OK)
                failedStep ??= (step, Status(runner));
        }

        return failedStep;
    }

    private static ScenarioExecutionStatus Status(ITestRunner runner) => runner.ScenarioContext.ScenarioExecutionStatus;

    private static Task RunStepAsync(ITestRunner runner, ScenarioStep step) => step.Keyword switch
    {
        StepDefinitionKeyword.Given => runner.GivenAsync(step.Text, step.DocString, step.CreateTable(), step.KeywordText),
        StepDefinitionKeyword.When => runner.WhenAsync(step.Text, step.DocString, step.CreateTable(), step.KeywordText),
        StepDefinitionKeyword.Then => runner.ThenAsync(step.Text, step.DocString, step.CreateTable(), step.KeywordText),
        StepDefinitionKeyword.But => runner.ButAsync(step.Text, step.DocString, step.CreateTable(), step.KeywordText),
        _ => runner.AndAsync(step.Text, step.DocString, step.CreateTable(), step.KeywordText),
    };

    private static async Task CollectErrorsAsync(
        ITestRunner runner, ScenarioDefinition scenario, (ScenarioStep Step, ScenarioExecutionStatus Status)? failedStep)
    {
        try
        {
            await runner.CollectScenarioErrorsAsync();
        }
        catch (Exception ex) when (failedStep is { } failed && ex is not ScenarioSkippedException)
        {
            throw new ScenarioStepException(failed.Step, scenario.Feature.RelativePath, failed.Status, ex);
        }
    }
}
