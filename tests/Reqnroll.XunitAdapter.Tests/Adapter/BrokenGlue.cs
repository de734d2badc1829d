namespace Reqnroll.XunitAdapter.Tests.Adapter;

#pragma warning disable xUnit1000 // Internal on purpose: xunit must not run these, the adapter's tests do.

/// <summary>Glue pointing at a folder that does not exist (internal, so xunit does not discover it).</summary>
internal sealed class MissingFolderFeatures
{
    [GherkinFeatures("NoSuchFolder")]
    public Task Scenario(GherkinScenario scenario) => scenario.RunAsync();
}

/// <summary>Glue whose method has the wrong shape (internal, so xunit does not discover it).</summary>
internal sealed class WrongShapeFeatures
{
    [GherkinFeatures("AdapterFixtures")]
    public Task Scenario(string id) => Task.FromResult(id);
}
#pragma warning restore xUnit1000
