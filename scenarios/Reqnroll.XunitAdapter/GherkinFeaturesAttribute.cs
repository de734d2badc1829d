using Xunit;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter;

/// <summary>
/// Turns the method it decorates into one xunit test case per scenario (and per Examples row) of every
/// <c>.feature</c> file under <see cref="Folder"/>. The method receives the <see cref="GherkinScenario"/> to run.
/// </summary>
/// <example>
/// <code>
/// [GherkinFeatures("Features")]
/// public Task Scenario(GherkinScenario scenario) => scenario.RunAsync();
/// </code>
/// </example>
[XunitTestCaseDiscoverer("Reqnroll.XunitAdapter.Discovery.ScenarioDiscoverer", "Reqnroll.XunitAdapter")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class GherkinFeaturesAttribute : FactAttribute
{
    /// <summary>Creates the attribute for a folder of feature files.</summary>
    /// <param name="folder">Folder of <c>.feature</c> files (searched recursively), relative to the test output directory.</param>
    public GherkinFeaturesAttribute(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = folder;
    }

    /// <summary>Folder of <c>.feature</c> files, relative to the test output directory.</summary>
    public string Folder { get; }
}
