using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.Support;

/// <summary>
/// Per-scenario setup and cleanup: a metrics baseline before, and after it the chaos
/// rolled back, instance faults cleared and the scenario's routing removed, then its section of the run report.
/// </summary>
[Binding]
public sealed class ScenarioHooks(
    ScenarioContext scenario, FeatureContext feature, MeshConfigDriver config, ProxyMetricsDriver metrics, TrafficDriver traffic,
    InstanceFaultDriver faults, ChaosDriver chaos, CanaryDriver canary, IReqnrollOutputHelper output)
{
    private readonly StringBuilder _steps = new();
    private readonly Stopwatch _step = new();

    [BeforeScenario(Order = 10)]
    public Task TakeMetricsBaseline() => metrics.TakeBaselineAsync();

    [BeforeStep]
    public void StartStep() => _step.Restart();

    [AfterStep]
    public void RecordStep()
    {
        var info = scenario.StepContext.StepInfo;
        var outcome = scenario.TestError is null ? "ok" : "FAILED";
        _steps.Append(CultureInfo.InvariantCulture, $"| {info.StepDefinitionType} {info.Text.Replace("|", "\\|", StringComparison.Ordinal)} | {outcome} | {_step.Elapsed.TotalSeconds:0.0} s |\n");
    }

    [AfterScenario]
    public async Task Cleanup()
    {
        if (traffic.LastReport is { } report)
        {
            output.WriteLine("Load report:\n" + report);
        }

        try
        {
            await chaos.DisposeAsync();
            if (chaos.Journal is { } journal)
            {
                output.WriteLine(journal.ToString());
            }
        }
        finally
        {
            await faults.ClearAsync();
            await config.ResetAsync();
            AddToReport();
        }
    }

    private void AddToReport()
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"## {feature.FeatureInfo.Title}: {scenario.ScenarioInfo.Title}\n\n")
            .Append(CultureInfo.InvariantCulture, $"{scenario.ScenarioExecutionStatus}{(scenario.TestError is { } error ? $": {error.Message.Split('\n')[0]}" : "")}")
            .Append(CultureInfo.InvariantCulture, $" · tags: {string.Join(' ', scenario.ScenarioInfo.CombinedTags.Select(t => "@" + t))}\n\n")
            .Append("| step | outcome | time |\n|---|---|---|\n").Append(_steps).Append('\n');
        foreach (var (plan, load) in traffic.Reports)
        {
            text.Append(CultureInfo.InvariantCulture, $"Load: {plan.Target} {(plan.RatePerSecond is { } rate ? $"at {rate}/s" : $"closed, {plan.Connections} connections")}\n\n```\n{load}\n```\n\n");
        }

        if (chaos.Journal is { Runs.Count: > 0 } journal)
        {
            text.Append("Chaos:\n\n```\n").Append(journal).Append("```\n\n");
        }

        if (canary.Result is { } rollout)
        {
            text.Append("Rollout:\n\n```\n").Append(rollout).Append("```\n\n");
        }

        RunReport.Add(text.ToString());
    }
}
