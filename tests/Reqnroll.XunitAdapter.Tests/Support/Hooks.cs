using System.Collections.Concurrent;

namespace Reqnroll.XunitAdapter.Tests.Support;

/// <summary>Hooks that record when they run, so scenarios can check the order.</summary>
[Binding]
public sealed class Hooks
{
    /// <summary>Scenario context key set by the <c>@hooks</c> tagged hook.</summary>
    public const string TaggedHookRanKey = "tagged hook ran";

    private static readonly ConcurrentDictionary<string, int> BeforeFeatureCounts = new();
    private static int _beforeTestRunCount;

    /// <summary>How many times <c>[BeforeTestRun]</c> ran in this process.</summary>
    public static int BeforeTestRunCount => Volatile.Read(ref _beforeTestRunCount);

    /// <summary>How many times <c>[BeforeFeature]</c> ran for a feature in this process.</summary>
    public static int BeforeFeatureCount(string featureTitle) => BeforeFeatureCounts.GetValueOrDefault(featureTitle);

    [BeforeTestRun]
    public static void BeforeTestRun() => Interlocked.Increment(ref _beforeTestRunCount);

    // Nothing runs after this hook to check it, so it leaves a file in the output directory for people to check.
    [AfterTestRun]
    public static void AfterTestRun() => File.WriteAllText(
        Path.Combine(AppContext.BaseDirectory, "after-test-run.txt"),
        $"[AfterTestRun] ran at {DateTimeOffset.Now:O}; [BeforeTestRun] ran {BeforeTestRunCount} time(s).{Environment.NewLine}");

    [BeforeFeature]
    public static void BeforeFeature(FeatureContext featureContext)
    {
        BeforeFeatureCounts.AddOrUpdate(featureContext.FeatureInfo.Title, 1, (_, count) => count + 1);
        var log = new HookLog();
        log.Add("BeforeFeature");
        featureContext.Set(log);
    }

    [BeforeScenario(Order = 1)]
    public static void BeforeScenario(FeatureContext featureContext) => featureContext.Get<HookLog>().Add("BeforeScenario");

    [BeforeScenario("hooks", Order = 2)]
    public static void BeforeTaggedScenario(FeatureContext featureContext, ScenarioContext scenarioContext)
    {
        featureContext.Get<HookLog>().Add("BeforeScenario @hooks");
        scenarioContext[TaggedHookRanKey] = true;
    }

    [AfterScenario]
    public static void AfterScenario(FeatureContext featureContext) => featureContext.Get<HookLog>().Add("AfterScenario");
}
