using System.Globalization;
using Mesh.Chaos.Rollouts;
using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that move traffic between versions: by hand, or as a rollout gated on live metrics.</summary>
[Binding]
public sealed class CanaryStepDefinitions(CanaryDriver canary, InstanceFaultDriver faults, IReqnrollOutputHelper output)
{
    /// <summary>Each step waits this long before its metrics are judged (four of Prometheus' 2 s scrapes).</summary>
    private static readonly TimeSpan AnalysisWindow = TimeSpan.FromSeconds(8);

    [When("{word} is shifted to {word} by {int} percent")]
    public Task WhenShifted(string service, string version, int percent)
    {
        canary.Service = service;
        canary.Canary = version;
        return canary.SetCanaryWeightAsync(percent, CancellationToken.None);
    }

    [Given("{string} starts failing {int} percent of its requests with {int} once the rollout has passed {int} percent")]
    public void GivenTheCanaryStartsFailing(string workload, int percent, int status, int after) =>
        canary.AfterStep.Add(async step =>
        {
            if (step.Passed && step.Percent == after)
            {
                output.WriteLine($"{workload} now fails {percent}% of its requests with {status}");
                await faults.AbortAsync(workload, percent, status);
            }
        });

    [When("{word} is rolled out from {word} to {word} in steps of {string} percent, gated on at most {double} percent errors and a p99 below {int} ms")]
    public async Task WhenRolledOut(string service, string stable, string version, string steps, double maxErrors, int maxP99)
    {
        (canary.Service, canary.Stable, canary.Canary) = (service, stable, version);
        var percents = steps.Split([",", "and"], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rollout = new CanaryRollout(canary, percents, new CanaryGate(maxErrors, TimeSpan.FromMilliseconds(maxP99)), AnalysisWindow);
        canary.Result = await rollout.RunAsync(async step =>
        {
            output.WriteLine($"rollout step {step.Percent}%: {(step.Passed ? "pass" : "FAIL")} {step.Verdict}");
            foreach (var hook in canary.AfterStep)
            {
                await hook(step);
            }
        });
        output.WriteLine("rollout: " + canary.Result);
    }

    [Then("the rollout promoted {word} to 100 percent")]
    public void ThenPromoted(string version)
    {
        var result = Result();
        Assert.True(result.Promoted && result.FinalPercent == 100 && canary.Canary == version, $"the rollout did not promote {version}:\n{result}");
    }

    [Then("the rollout was rolled back to {word} at the {int} percent step")]
    public void ThenRolledBack(string stable, int percent)
    {
        var result = Result();
        Assert.True(!result.Promoted && result.FinalPercent == 0 && canary.Stable == stable, $"the rollout was not rolled back:\n{result}");
        Assert.Equal(percent, result.Steps[^1].Percent);
    }

    private CanaryResult Result() => canary.Result ?? throw new InvalidOperationException("no rollout ran in this scenario");
}
