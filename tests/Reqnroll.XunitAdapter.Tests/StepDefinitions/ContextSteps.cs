using Reqnroll.XunitAdapter.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Reqnroll.XunitAdapter.Tests.StepDefinitions;

/// <summary>Context injection: a custom context class, the scenario and feature contexts, xunit's output helper.</summary>
[Binding]
public sealed class ContextSteps(Notebook notebook, ScenarioContext scenarioContext, FeatureContext featureContext, ITestOutputHelper testOutput)
{
    [Given("the shared notebook says {string}")]
    public void GivenTheSharedNotebookSays(string text) => notebook.Text = text;

    [Then("the scenario context knows this scenario is {string}")]
    public void ThenTheScenarioContextKnowsThisScenarioIs(string title) => Assert.Equal(title, scenarioContext.ScenarioInfo.Title);

    [Then("the feature context knows this feature is {string}")]
    public void ThenTheFeatureContextKnowsThisFeatureIs(string title) => Assert.Equal(title, featureContext.FeatureInfo.Title);

    [Then("the @hooks BeforeScenario hook did not run for this scenario")]
    public void ThenTheTaggedHookDidNotRun() => Assert.False(scenarioContext.ContainsKey(Hooks.TaggedHookRanKey));

    [Then("xunit's test output helper can be injected too")]
    public void ThenXunitsTestOutputHelperCanBeInjected() => testOutput.WriteLine("Written through xunit's ITestOutputHelper.");
}
