using Reqnroll.XunitAdapter.Tests.Support;
using Xunit;

namespace Reqnroll.XunitAdapter.Tests.StepDefinitions;

/// <summary>Checks what <see cref="Hooks"/> recorded.</summary>
[Binding]
public sealed class HookSteps(FeatureContext featureContext)
{
    private IReadOnlyList<string> Log => featureContext.Get<HookLog>().Entries;

    [Then("the BeforeTestRun hook ran once")]
    public void ThenTheBeforeTestRunHookRanOnce() => Assert.Equal(1, Hooks.BeforeTestRunCount);

    [Then("the hooks of this feature so far are:")]
    public void ThenTheHooksOfThisFeatureSoFarAre(Table hooks)
        => Assert.Equal(hooks.Rows.Select(row => row["hook"]), Log);

    // Holds whichever scenarios of the feature were selected to run, not only a full run.
    [Then("BeforeFeature ran once and every earlier scenario of this feature ran its AfterScenario hook")]
    public void ThenEveryEarlierScenarioRanItsAfterScenarioHook()
    {
        Assert.Equal(1, Hooks.BeforeFeatureCount(featureContext.FeatureInfo.Title));
        Assert.Equal("BeforeFeature", Log[0]);
        Assert.Single(Log, entry => entry == "BeforeFeature");
        Assert.Equal(Log.Count(entry => entry == "BeforeScenario") - 1, Log.Count(entry => entry == "AfterScenario"));
        Assert.Equal(["BeforeScenario", "BeforeScenario @hooks"], Log.TakeLast(2));
    }
}
