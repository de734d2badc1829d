using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Tests.Adapter;

/// <summary>Discovery of the fixture features through the adapter's xunit discoverer: test cases, names, traits, serialization.</summary>
public class DiscoveryTests
{
    private const string Feature = "Adapter outcomes";

    [Fact]
    public void Discover_FixtureFolder_OneTestCasePerScenarioAndExamplesRow()
    {
        var testCases = XunitHarness.DiscoverFixtures();

        Assert.Equal(CountScenariosAndExampleRows("AdapterFixtures/Outcomes.feature"), testCases.Count);
        Assert.Equal(
            [
                $"{Feature} › Passing scenario",
                $"{Feature} › Undefined step",
                $"{Feature} › Pending step",
                $"{Feature} › Failing step",
                $"{Feature} › Ambiguous step",
                $"{Feature} › Ignored scenario",
                $"{Feature} › Scenario ignored at run time",
                $"{Feature} › Outline rows [row 1: a=1, b=2]",
                $"{Feature} › Outline rows [row 2: a=3, b=4]",
                $"{Feature} › Outline rows [row 3: a=5, b=6]",
                $"{Feature} › A rule › Scenario in a rule",
            ],
            testCases.Select(testCase => testCase.DisplayName));
    }

    [Fact]
    public void Discover_TagsOfFeatureRuleScenarioAndExamples_BecomeCategoryTraits()
    {
        Assert.Equal(["adapter-fixture"], Categories($"{Feature} › Outline rows [row 1: a=1, b=2]"));
        Assert.Equal(["tagged-examples", "adapter-fixture"], Categories($"{Feature} › Outline rows [row 3: a=5, b=6]"));
        Assert.Equal(["adapter-fixture", "rule-tag"], Categories($"{Feature} › A rule › Scenario in a rule"));
    }

    [Fact]
    public void Discover_IgnoreTag_SkipsTheTestCase()
    {
        Assert.NotNull(XunitHarness.Fixture($"{Feature} › Ignored scenario").SkipReason);
        Assert.Null(XunitHarness.Fixture($"{Feature} › Passing scenario").SkipReason);
    }

    [Fact]
    public async Task Serialize_RoundTrip_KeepsTheTestCaseAndItStillRuns()
    {
        var original = XunitHarness.Fixture($"{Feature} › Outline rows [row 3: a=5, b=6]");

        var copy = SerializationHelper.Deserialize<IXunitTestCase>(SerializationHelper.Serialize(original));

        Assert.Equal(original.UniqueID, copy.UniqueID);
        Assert.Equal(original.DisplayName, copy.DisplayName);
        Assert.Equal(original.Traits["Category"], copy.Traits["Category"]);
        Assert.IsAssignableFrom<ITestPassed>(await XunitHarness.RunAsync(copy));
    }

    [Fact]
    public void Discover_TestCases_HaveDistinctIds()
    {
        var testCases = XunitHarness.DiscoverFixtures();

        Assert.Equal(testCases.Count, testCases.Select(testCase => testCase.UniqueID).Distinct().Count());
    }

    [Fact]
    public async Task Discover_MissingFolder_ReportsAFailingTestCase()
    {
        var testCase = Assert.Single(XunitHarness.Discover(typeof(MissingFolderFeatures)));

        var failed = Assert.IsAssignableFrom<ITestFailed>(await XunitHarness.RunAsync(testCase));
        Assert.Contains("NoSuchFolder", failed.Messages[0]);
    }

    [Fact]
    public async Task Discover_MethodWithoutScenarioParameter_ReportsAFailingTestCase()
    {
        var testCase = Assert.Single(XunitHarness.Discover(typeof(WrongShapeFeatures)));

        var failed = Assert.IsAssignableFrom<ITestFailed>(await XunitHarness.RunAsync(testCase));
        Assert.Contains(nameof(GherkinScenario), failed.Messages[0]);
    }

    private static List<string> Categories(string displayName)
        => XunitHarness.Fixture(displayName).Traits["Category"];

    // Counted from the file's text, independently of the adapter's parser: "Scenario:" lines, plus the table rows
    // under each "Examples:" line except that table's header.
    private static int CountScenariosAndExampleRows(string featureFile)
    {
        var count = 0;
        var inExamples = false;
        var headerSeen = false;
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, featureFile)).Select(l => l.Trim()))
        {
            if (line.StartsWith("Scenario:", StringComparison.Ordinal))
                count++;

            if (line.StartsWith("Examples:", StringComparison.Ordinal))
                (inExamples, headerSeen) = (true, false);
            else if (inExamples && line.StartsWith('|'))
            {
                if (headerSeen)
                    count++;
                headerSeen = true;
            }
            else if (line.Length > 0)
                inExamples = false;
        }

        return count;
    }
}
