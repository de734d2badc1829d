using System.Reflection;
using Reqnroll;

namespace Mesh.Scenarios;

/// <summary>The glossary (STEPS.md) lists every bound step, word for word.</summary>
public class StepGlossaryTests
{
    [Fact]
    [Trait("Category", "fast")]
    public void EveryBoundStep_IsInTheGlossary()
    {
        var glossary = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "STEPS.md"));
        var missing = typeof(StepGlossaryTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes<StepDefinitionBaseAttribute>())
            .Select(a => a.Expression)
            .Distinct(StringComparer.Ordinal)
            .Where(expression => !glossary.Contains($"`{expression}`", StringComparison.Ordinal))
            .ToArray();

        Assert.True(missing.Length == 0, "steps missing from scenarios/Mesh.Scenarios/STEPS.md:\n" + string.Join('\n', missing));
    }
}
