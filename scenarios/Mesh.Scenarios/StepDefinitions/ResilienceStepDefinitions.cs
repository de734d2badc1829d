using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps about failures and what the mesh does about them: instance faults, breakers, ejection, retries.</summary>
[Binding]
public sealed class ResilienceStepDefinitions(InstanceFaultDriver faults, ProxyMetricsDriver metrics, TrafficDriver traffic)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [When("{string} fails {int} percent of its requests with {int}")]
    [Given("{string} fails {int} percent of its requests with {int}")]
    public Task WhenInstanceFails(string workload, int percent, int status) => faults.AbortAsync(workload, percent, status);

    [When("{string} answers {int} percent of its requests {int} ms late")]
    public Task WhenInstanceIsSlow(string workload, int percent, int milliseconds) => faults.DelayAsync(workload, percent, TimeSpan.FromMilliseconds(milliseconds));

    [When("the sidecar of {string} has ejected an instance of {string}")]
    [Then("the sidecar of {string} has ejected an instance of {string}")]
    public async Task ThenTheSidecarHasEjected(string workload, string service)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await EjectedAsync(workload, service) < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{workload}'s sidecar ejected no instance of {service} within {Patience.TotalSeconds} s");
            await traffic.RunAsync(traffic.Plan("/api/v1/products/0/reviews", requests: 10, connections: 2));
        }
    }

    [Then("the circuit breaker for {string} has opened")]
    public async Task ThenTheCircuitBreakerHasOpened(string service) =>
        Assert.True(await OverflowsAsync(service) > 0, $"no proxy's circuit breaker for {service} has refused a request");

    [Then("every 503 the gateway returned was marked {string}, and its overflow counter for {string} equals their number")]
    public async Task ThenEvery503WasMarked(string flag, string service)
    {
        var report = traffic.LastReport ?? throw new InvalidOperationException("no load has run");
        var refused = report.StatusCodes.GetValueOrDefault(503);
        var samples = await metrics.RequestSamplesSinceBaselineAsync(w => w == "istio-ingressgateway");
        var gateway503 = samples.Where(s => s.Has("response_code", "503")).ToArray();

        Assert.True(refused > 0 && report.StatusCodes.GetValueOrDefault(200) > 0, $"wanted both 200s and 503s:\n{report}");
        Assert.Equal(refused, (long)gateway503.Sum(s => s.Value));
        Assert.All(gateway503, s => Assert.Equal(flag, s.Labels["response_flags"]));
        Assert.Equal(refused, report.ResponseFlags.GetValueOrDefault(flag));
        Assert.Equal(refused, (long)await OverflowsAsync(service, w => w == "istio-ingressgateway"));
    }

    [Then("the sidecar of {string} refused retries to {string} for the retry budget")]
    public async Task ThenRetriesWereRefused(string workload, string service) =>
        Assert.True(await metrics.SumAsync("envoy_cluster_upstream_rq_retry_budget_exhausted", w => w == workload, s => s.Labels["cluster_name"].EndsWith($"|{service}.default.svc.cluster.local", StringComparison.Ordinal)) > 0,
            $"{workload}'s sidecar refused no retry to {service}");

    [Then("{string} received at most {double} times the requests {string} sent it")]
    public async Task ThenReceivedAtMost(string destination, double factor, string source)
    {
        // Sent: the requests the source app made (its sidecar counts each once, whatever the retries). Received: every attempt that arrived.
        var app = destination[..destination.LastIndexOf('-')];
        var received = await metrics.RequestsSinceBaselineAsync(w => w == destination, ("reporter", "destination"));
        var sent = await metrics.RequestsSinceBaselineAsync(w => w == source, ("reporter", "source"), ("destination_service_name", app));
        Assert.True(sent > 0 && received <= sent * factor, $"{destination} received {received} attempts for {sent} requests {source} sent to {app} (limit {factor}×)");
    }

    [Then("the sidecar of {string} counted {string} answers from {string}")]
    public async Task ThenTheSidecarCountedAnswersFrom(string workload, string code, string service)
    {
        var samples = await metrics.RequestSamplesSinceBaselineAsync(w => w == workload);
        Assert.True(samples.Any(s => s.Has("reporter", "source") && s.Has("destination_service_name", service) && s.Has("response_code", code)),
            $"{workload}'s sidecar counted no {code} from {service}");
    }

    [Then("the sidecar of {string} counted responses {string} with flags {string}")]
    public async Task ThenTheSidecarCountedResponses(string workload, string code, string flags)
    {
        // Metrics are read as the proxy exports them; give the export a few seconds to show the requests.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var samples = await metrics.RequestSamplesSinceBaselineAsync(w => w == workload);
            if (samples.Any(s => s.Has("response_code", code) && s.Has("response_flags", flags)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"{workload}'s sidecar counted no {code} with flags {flags}; it counted: {string.Join("; ", samples.Select(s => $"{s.Labels["reporter"]} {s.Labels["response_code"]} {s.Labels["response_flags"]} ×{s.Value}"))}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    [Then("the sidecar of {string} counted gRPC status {int} for calls to {string}")]
    public async Task ThenTheSidecarCountedGrpcStatus(string workload, int status, string service)
    {
        var samples = await metrics.RequestSamplesSinceBaselineAsync(w => w == workload);
        Assert.True(samples.Any(s => s.Has("reporter", "source") && s.Has("destination_service_name", service) && s.Has("grpc_response_status", status.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            $"{workload}'s sidecar counted no gRPC status {status} to {service}; it counted: {string.Join("; ", samples.Select(s => $"{s.Labels["destination_service_name"]} {s.Labels["response_code"]} grpc={s.Labels["grpc_response_status"]} {s.Labels["response_flags"]} ×{s.Value}"))}");
    }

    private Task<double> EjectedAsync(string workload, string service) =>
        metrics.SumAsync("envoy_cluster_outlier_detection_ejections_active", w => w == workload, s => s.Labels["cluster_name"].EndsWith($"|{service}.default.svc.cluster.local", StringComparison.Ordinal));

    private Task<double> OverflowsAsync(string service, Func<string, bool>? workload = null) =>
        metrics.SumAsync("envoy_cluster_upstream_rq_pending_overflow", workload ?? (_ => true), s => s.Labels["cluster_name"].EndsWith($"|{service}.default.svc.cluster.local", StringComparison.Ordinal));
}
