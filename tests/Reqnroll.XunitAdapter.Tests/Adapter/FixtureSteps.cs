using Reqnroll.UnitTestProvider;

namespace Reqnroll.XunitAdapter.Tests.Adapter;

/// <summary>Bindings of the fixture features only (scoped by their tag).</summary>
[Binding]
[Scope(Tag = "adapter-fixture")]
public sealed class FixtureSteps(IUnitTestRuntimeProvider unitTestRuntimeProvider, IReqnrollOutputHelper output)
{
    [StepDefinition("a fixture step that passes")]
    public void AFixtureStepThatPasses()
    {
    }

    [Given("a fixture step that passes with {int} and {int}")]
    public void AFixtureStepThatPassesWith(int a, int b)
    {
    }

    [Given("a fixture step that writes {string} and attaches {string}")]
    public void AFixtureStepThatWritesAndAttaches(string text, string file)
    {
        output.WriteLine(text);
        output.AddAttachment(file);
    }

    [Given("a fixture step that is pending")]
    public void AFixtureStepThatIsPending() => throw new PendingStepException();

    [When("a fixture step fails with {string}")]
    public void AFixtureStepFailsWith(string message) => throw new InvalidOperationException(message);

    [Given("a fixture step bound twice")]
    public void BoundOnce()
    {
    }

    [Given("a fixture step bound twice")]
    public void BoundTwice()
    {
    }

    [Given("a fixture step that ignores the scenario")]
    public void AFixtureStepThatIgnoresTheScenario() => unitTestRuntimeProvider.TestIgnore("not today");
}
