using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Discovery;

/// <summary>
/// Orders scenarios by feature file and line, so each feature runs as one block and its <c>[BeforeFeature]</c> and
/// <c>[AfterFeature]</c> hooks run once; other tests keep the order of <paramref name="inner"/>.
/// </summary>
internal sealed class FeatureOrderTestCaseOrderer(ITestCaseOrderer inner) : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase
    {
        var all = testCases.ToList();
        var scenarios = all.Where(testCase => testCase is ScenarioTestCase)
            .OrderBy(testCase => FeaturePath(testCase), StringComparer.Ordinal)
            .ThenBy(testCase => Line(testCase));

        return inner.OrderTestCases(all.Where(testCase => testCase is not ScenarioTestCase)).Concat(scenarios);
    }

    private static string FeaturePath(ITestCase testCase)
    {
        var id = ((ScenarioTestCase)testCase).ScenarioId;
        return id[..id.LastIndexOf(':')];
    }

    private static int Line(ITestCase testCase)
    {
        var id = ((ScenarioTestCase)testCase).ScenarioId;
        return int.Parse(id[(id.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
