using System.Text.RegularExpressions;
using Gherkin;
using Gherkin.Ast;
using Reqnroll.Bindings;

namespace Reqnroll.XunitAdapter.Model;

/// <summary>
/// Expands a parsed feature into runnable scenarios the way the Reqnroll generator does: background steps first,
/// one scenario per Examples row with <c>&lt;placeholders&gt;</c> substituted in step text, doc strings and tables.
/// </summary>
internal static partial class ScenarioExpander
{
    public static IEnumerable<ScenarioDefinition> Expand(FeatureFile file)
    {
        var featureBackground = file.Feature.Children.OfType<Background>().FirstOrDefault();
        foreach (var child in file.Feature.Children)
        {
            if (child is Scenario scenario)
            {
                foreach (var definition in Expand(file, null, [featureBackground], scenario))
                    yield return definition;
            }
            else if (child is Rule rule)
            {
                var ruleBackground = rule.Children.OfType<Background>().FirstOrDefault();
                foreach (var definition in rule.Children.OfType<Scenario>().SelectMany(s => Expand(file, rule, [featureBackground, ruleBackground], s)))
                    yield return definition;
            }
        }
    }

    private static IEnumerable<ScenarioDefinition> Expand(FeatureFile file, Rule? rule, Background?[] backgrounds, Scenario scenario)
    {
        var background = backgrounds.Where(b => b is not null).SelectMany(b => b!.Steps).ToList();
        var tags = GherkinTags.Names(scenario.Tags);

        if (!scenario.Examples.Any())
        {
            var steps = ToScenarioSteps(file.Dialect, background, scenario.Steps, []);
            yield return new ScenarioDefinition(file, rule, scenario, scenario.Location.Line, tags, [], null, steps);
            yield break;
        }

        var rowNumber = 0;
        foreach (var examples in scenario.Examples.Where(e => e.TableHeader is not null))
        {
            var header = examples.TableHeader.Cells.Select(cell => cell.Value).ToArray();
            foreach (var row in examples.TableBody)
            {
                var arguments = header.Zip(row.Cells, (name, cell) => KeyValuePair.Create(name, cell.Value)).ToList();
                var steps = ToScenarioSteps(file.Dialect, background, scenario.Steps, arguments);
                string[] rowTags = [.. tags, .. GherkinTags.Names(examples.Tags)];
                yield return new ScenarioDefinition(file, rule, scenario, row.Location.Line, rowTags, arguments, ++rowNumber, steps);
            }
        }
    }

    private static List<ScenarioStep> ToScenarioSteps(
        GherkinDialect dialect, IEnumerable<Step> background, IEnumerable<Step> steps, IReadOnlyList<KeyValuePair<string, string>> arguments)
    {
        // Background steps are not outline steps, so the generator does not substitute placeholders in them.
        return [.. background.Select(step => ToScenarioStep(dialect, step, [])), .. steps.Select(step => ToScenarioStep(dialect, step, arguments))];
    }

    private static ScenarioStep ToScenarioStep(GherkinDialect dialect, Step step, IReadOnlyList<KeyValuePair<string, string>> arguments)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
            values.TryAdd(name, value);

        string Substitute(string text) => Placeholder().Replace(text, match =>
            values.TryGetValue(match.Groups[1].Value, out var value) ? value : match.Value);

        var docString = (step.Argument as DocString)?.Content;
        var table = (step.Argument as global::Gherkin.Ast.DataTable)?.Rows.Select(row => row.Cells.Select(cell => Substitute(cell.Value)).ToArray()).ToList();

        return new ScenarioStep(
            ToKeyword(dialect, step),
            step.Keyword,
            Substitute(step.Text),
            docString is null ? null : Substitute(docString),
            table,
            step.Location.Line);
    }

    private static StepDefinitionKeyword ToKeyword(GherkinDialect dialect, Step step) => step.KeywordType switch
    {
        StepKeywordType.Context => StepDefinitionKeyword.Given,
        StepKeywordType.Action => StepDefinitionKeyword.When,
        StepKeywordType.Outcome => StepDefinitionKeyword.Then,
        _ when dialect.ButStepKeywords.Contains(step.Keyword) => StepDefinitionKeyword.But,
        _ => StepDefinitionKeyword.And, // "And" and "*" continue the previous step's kind
    };

    [GeneratedRegex("<([^<>]+)>")]
    private static partial Regex Placeholder();
}
