using Reqnroll.XunitAdapter.Execution;
using Reqnroll.XunitAdapter.Model;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Discovery;

/// <summary>
/// An xunit test case for one scenario or Examples row. It serializes the scenario id, display name and tags, so
/// Test Explorer and <c>dotnet test --filter</c> (DisplayName, Category) work without parsing features again.
/// </summary>
internal sealed class ScenarioTestCase : XunitTestCase
{
    private const string CategoryTrait = "Category";

    private string _displayName = "";
    private string[] _tags = [];

    [Obsolete("Called by the xunit deserializer")]
    public ScenarioTestCase()
    {
    }

    public ScenarioTestCase(
        IMessageSink diagnosticMessageSink,
        TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions,
        ITestMethod testMethod,
        ScenarioDefinition scenario)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod, [scenario.Id])
    {
        _displayName = scenario.DisplayName;
        _tags = scenario.AllTags;
    }

    /// <summary>The scenario's id; also the (only) test method argument, which makes the test case id unique.</summary>
    public string ScenarioId => (string)TestMethodArguments[0];

    protected override string GetDisplayName(IAttributeInfo factAttribute, string displayName) => _displayName;

    protected override string GetSkipReason(IAttributeInfo factAttribute)
        => TagHelper.ContainsIgnoreTag(_tags) ? "Ignored with @ignore" : base.GetSkipReason(factAttribute);

    protected override void Initialize()
    {
        base.Initialize();
        if (_tags.Length == 0)
            return;

        if (!Traits.TryGetValue(CategoryTrait, out var categories))
            Traits[CategoryTrait] = categories = [];
        categories.AddRange(_tags);
    }

    public override async Task<RunSummary> RunAsync(
        IMessageSink diagnosticMessageSink,
        IMessageBus messageBus,
        object[] constructorArguments,
        ExceptionAggregator aggregator,
        CancellationTokenSource cancellationTokenSource)
    {
        var skipAwareBus = new SkippedScenarioMessageBus(messageBus);
        var summary = await new ScenarioTestCaseRunner(this, constructorArguments, skipAwareBus, aggregator, cancellationTokenSource).RunAsync();
        summary.Failed -= skipAwareBus.Skipped;
        summary.Skipped += skipAwareBus.Skipped;
        return summary;
    }

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("ScenarioName", _displayName);
        data.AddValue("ScenarioTags", _tags);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        // Ours first: base.Deserialize already initializes the test case (display name, traits) from them.
        _displayName = data.GetValue<string>("ScenarioName");
        _tags = data.GetValue<string[]>("ScenarioTags");
        base.Deserialize(data);
    }
}
