using System.Collections.Specialized;
using Gherkin.Ast;

namespace Reqnroll.XunitAdapter.Model;

/// <summary>One runnable scenario: a Scenario, or one Examples row of a Scenario Outline.</summary>
internal sealed record ScenarioDefinition(
    FeatureFile Feature,
    Rule? Rule,
    Scenario Scenario,
    int Line,
    string[] Tags,
    IReadOnlyList<KeyValuePair<string, string>> Arguments,
    int? RowNumber,
    IReadOnlyList<ScenarioStep> Steps)
{
    /// <summary>Feature path relative to the output directory and the line of the scenario or Examples row.</summary>
    public string Id => $"{Feature.RelativePath}:{Line}";

    public string DisplayName
    {
        get
        {
            string?[] parts = [Feature.Feature.Name, Rule?.Name, Scenario.Name];
            var name = string.Join(" › ", parts.Where(part => !string.IsNullOrWhiteSpace(part)));
            return RowNumber is null
                ? name
                : $"{name} [row {RowNumber}: {string.Join(", ", Arguments.Select(a => $"{a.Key}={a.Value}"))}]";
        }
    }

    /// <summary>Tags inherited from the feature and the rule, as Reqnroll combines them.</summary>
    public string[] InheritedTags => TagHelper.CombineTags(Feature.Info.Tags, RuleTags) ?? [];

    public string[] AllTags => [.. Tags.Concat(InheritedTags).Distinct(StringComparer.Ordinal)];

    private string[] RuleTags => Rule is null ? [] : GherkinTags.Names(Rule.Tags);

    public ScenarioInfo CreateScenarioInfo()
    {
        var arguments = new OrderedDictionary();
        foreach (var (name, value) in Arguments)
            arguments[name] = value;

        return new ScenarioInfo(Scenario.Name, Scenario.Description, Tags, arguments, InheritedTags);
    }

    public RuleInfo? CreateRuleInfo() => Rule is null ? null : new RuleInfo(Rule.Name, Rule.Description, RuleTags);
}
