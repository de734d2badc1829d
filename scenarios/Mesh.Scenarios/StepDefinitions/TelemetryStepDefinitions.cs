using System.Diagnostics;
using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that check what the proxies and the dashboard report.</summary>
[Binding]
public sealed class TelemetryStepDefinitions(ProxyMetricsDriver metrics, DashboardDriver dashboard, GatewayDriver gateway)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TracePatience = TimeSpan.FromSeconds(90);

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

    [Then("the requests the sidecar of {string} counted during the scenario carry no {string} label")]
    public Task ThenTheRequestsCountedCarryNoLabel(string workload, string label) =>
        Eventually($"{workload}'s sidecar to count requests without the {label} label", async () =>
        {
            var samples = await metrics.RequestSamplesSinceBaselineAsync(w => w == workload);
            Assert.DoesNotContain(samples, s => s.Labels.ContainsKey(label));
            return samples.Sum(s => s.Value) > 0;
        });

    [Then("the trace of that request in the dashboard spans {string}")]
    public async Task ThenTheTraceOfThatRequestSpans(string services)
    {
        var wanted = services.Split(',', StringSplitOptions.TrimEntries);
        var traceId = gateway.LastTraceId ?? throw new InvalidOperationException("no request went through the gateway in this scenario");
        IReadOnlySet<string> seen = new HashSet<string>();

        // The dashboard takes spans in batches from each process's exporter, and under a long run's load it can answer
        // slowly: each look is bounded on its own so one slow answer does not use up the whole wait.
        using var patience = new CancellationTokenSource(TracePatience);
        var looks = 0;
        var slowLooks = 0;
        var slowest = TimeSpan.Zero;
        while (!wanted.All(w => seen.Any(s => s.StartsWith(w, StringComparison.Ordinal))))
        {
            if (patience.IsCancellationRequested)
            {
                Assert.Fail($"waited {TracePatience.TotalSeconds} s for trace {traceId} to span {services}; it spans: {string.Join(", ", seen)} " +
                    $"({looks} looks, {slowLooks} over 10 s, slowest {slowest.TotalSeconds:0.0} s; newest spans in the dashboard: {await NewestSpansAsync()})");
            }

            using var look = CancellationTokenSource.CreateLinkedTokenSource(patience.Token);
            look.CancelAfter(TimeSpan.FromSeconds(10));
            var started = Stopwatch.GetTimestamp();
            looks++;
            try
            {
                seen = await dashboard.TraceServicesAsync(traceId, look.Token);
            }
            catch (OperationCanceledException)
            {
                slowLooks++;
                continue;
            }
            finally
            {
                slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task<string> NewestSpansAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            return await dashboard.NewestSpansAsync(50, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            return $"unknown ({e.GetType().Name}: {e.Message})";
        }
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
