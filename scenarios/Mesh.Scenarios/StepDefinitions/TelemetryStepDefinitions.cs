using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that check what the proxies and the dashboard report.</summary>
[Binding]
public sealed class TelemetryStepDefinitions(ProxyMetricsDriver metrics, DashboardDriver dashboard)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Then("the sidecar of {string} counted requests from {string}")]
    public Task ThenTheSidecarCountedRequests(string workload, string source) =>
        Eventually($"{workload}'s sidecar to report requests from {source}", async () =>
            await metrics.RequestsAsync(w => w == workload, ("reporter", "destination"), ("source_workload", source)) > 0);

    [Then("the sidecars of {string} counted requests from {string}")]
    public Task ThenTheSidecarsOfServiceCountedRequests(string app, string source) =>
        Eventually($"a sidecar of {app} to report requests from {source}", async () =>
            await metrics.RequestsAsync(w => w.StartsWith(app + "-", StringComparison.Ordinal), ("reporter", "destination"), ("source_workload", source)) > 0);

    [Then("the sidecar of {string} counted at least {int} requests from {string} during the scenario")]
    public Task ThenTheSidecarCountedAtLeast(string workload, int count, string source) =>
        Eventually($"{workload}'s sidecar to count {count} requests from {source}", async () =>
            await metrics.RequestsSinceBaselineAsync(w => w == workload, ("reporter", "destination"), ("source_workload", source)) >= count);

    [Then("one trace in the dashboard spans {string}")]
    public Task ThenOneTraceSpans(string services)
    {
        var wanted = services.Split(',', StringSplitOptions.TrimEntries);
        return Eventually($"one trace with spans from {services}", async () =>
            (await dashboard.TracesAsync()).Values.Any(s => wanted.All(w => s.Any(service => service.StartsWith(w, StringComparison.Ordinal)))));
    }

    private static async Task Eventually(string what, Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"waited {Patience.TotalSeconds} s for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
