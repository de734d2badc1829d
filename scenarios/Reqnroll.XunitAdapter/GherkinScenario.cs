using System.Reflection;
using Reqnroll.XunitAdapter.Execution;
using Reqnroll.XunitAdapter.Model;
using Xunit.Abstractions;

namespace Reqnroll.XunitAdapter;

/// <summary>
/// One scenario, or one Examples row of a Scenario Outline, handed to a <see cref="GherkinFeaturesAttribute"/> method.
/// </summary>
public sealed class GherkinScenario
{
    private readonly ScenarioDefinition _definition;
    private readonly Assembly _testAssembly;
    private readonly ITestOutputHelper? _output;

    internal GherkinScenario(ScenarioDefinition definition, Assembly testAssembly, ITestOutputHelper? output)
    {
        _definition = definition;
        _testAssembly = testAssembly;
        _output = output;
    }

    /// <summary>Stable id: feature path relative to the output directory, and the line of the scenario or row.</summary>
    public string Id => _definition.Id;

    /// <summary>Readable name, for example <c>Feature › Outline [row 2: a=1, b=2]</c>.</summary>
    public string DisplayName => _definition.DisplayName;

    /// <summary>Tags of the feature, rule, scenario and Examples block, without the leading '@'.</summary>
    public IReadOnlyList<string> Tags => _definition.AllTags;

    /// <summary>Runs the scenario through the Reqnroll runtime; throws when it fails.</summary>
    public Task RunAsync() => ScenarioExecution.RunAsync(_definition, _testAssembly, _output);

    /// <inheritdoc />
    public override string ToString() => DisplayName;
}
