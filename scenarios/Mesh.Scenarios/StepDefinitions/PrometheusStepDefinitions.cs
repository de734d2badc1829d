using System.Globalization;
using Mesh.Cli;
using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that read the golden signals from Prometheus, with Istio's metric names and labels.</summary>
[Binding]
public sealed class PrometheusStepDefinitions(PrometheusDriver prometheus, TrafficDriver traffic, RunningMesh mesh)
{
    private const string Reviews = "reviews.default.svc.cluster.local";

    /// <summary>Istio's buckets for <c>istio_request_duration_milliseconds</c>.</summary>
    private static readonly double[] DurationBuckets = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    private long _convergedBefore;
    private int _syncedProxies;

    [Given("Prometheus has caught up with the proxies")]
    [When("Prometheus has caught up with the proxies")]
    [Then("Prometheus has caught up with the proxies")]
    public Task CatchUp() => prometheus.CatchUpAsync();

    [Then("Prometheus counts about {int} percent of productpage's calls to reviews on {string}, within {int} points")]
    public async Task ThenPrometheusCountsShare(int percent, string version, int points)
    {
        var byVersion = await prometheus.IncreaseAsync("istio_requests_total",
            $"reporter=\"source\",source_workload=\"productpage-v1\",destination_service=\"{Reviews}\"", "destination_version");
        var total = byVersion.Sum(s => s.Value);
        Assert.True(total >= 100, $"only {total} calls from productpage to reviews in the window");
        var share = 100 * byVersion.Where(s => s.Labels["destination_version"] == version).Sum(s => s.Value) / total;
        Assert.InRange(share, percent - points, percent + points);
    }

    [Then("Prometheus counts every call from {string} to {string} in the window as response_code {string} with response_flags {string}")]
    public Task ThenEveryCallCountsAs(string source, string service, string code, string flags) =>
        EveryCallCountsAs(source, service, ("response_code", code), ("response_flags", flags));

    [Then("Prometheus counts every call from {string} to {string} in the window as response_code {string}, grpc_response_status {string} and response_flags {string}")]
    public Task ThenEveryGrpcCallCountsAs(string source, string service, string code, string grpcStatus, string flags) =>
        EveryCallCountsAs(source, service, ("response_code", code), ("grpc_response_status", grpcStatus), ("response_flags", flags));

    private async Task EveryCallCountsAs(string source, string service, params (string Label, string Value)[] expected)
    {
        var calls = await prometheus.IncreaseAsync("istio_requests_total",
            $"reporter=\"source\",source_workload=\"{source}\",destination_service=\"{service}.default.svc.cluster.local\"",
            string.Join(", ", expected.Select(e => e.Label)));
        var counted = calls.Where(c => c.Value > 0).ToArray();
        var only = Assert.Single(counted);
        Assert.Equal(expected, expected.Select(e => (e.Label, only.Labels.GetValueOrDefault(e.Label, ""))).ToArray());
    }

    [Then("Prometheus counts as many of them as the load driver saw answered {int}")]
    public async Task ThenAsManyAsTheDriverSaw(int status)
    {
        var report = traffic.LastReport ?? throw new InvalidOperationException("no load ran");
        var atGateway = await prometheus.IncreaseAsync("istio_requests_total",
            $"reporter=\"source\",source_workload=\"istio-ingressgateway\",response_code=\"{status}\"", "response_code");
        Assert.Equal(report.StatusCodes.GetValueOrDefault(status), atGateway.Sum(s => s.Value));
    }

    [Then("the gateway's p99 from istio_request_duration_milliseconds is in the load driver's p99 bucket or the one below")]
    public async Task ThenP99Agrees()
    {
        var report = traffic.LastReport ?? throw new InvalidOperationException("no load ran");
        // The driver's service time (from each request's actual send), not its coordinated-omission-corrected latency:
        // on a busy machine the driver's own lateness can dwarf what the gateway took, and the gateway cannot see it.
        var driverP99 = report.ServiceTimePercentile(99).TotalMilliseconds;
        var p99 = await prometheus.QuantileAsync(0.99, "istio_request_duration_milliseconds",
            "reporter=\"source\",source_workload=\"istio-ingressgateway\"");

        // The proxy times each request from its own first byte, so it sees at most what the client saw: its p99 lies
        // at or below the driver's, and histogram_quantile can only place it within a bucket.
        var upper = DurationBuckets.First(b => b >= driverP99);
        var lower = DurationBuckets.TakeWhile(b => b < upper).SkipLast(1).LastOrDefault();
        Assert.True(p99 > lower && p99 <= upper,
            string.Create(CultureInfo.InvariantCulture, $"Prometheus p99 {p99:0.0} ms is outside ({lower}, {upper}] around the load driver's service-time p99 {driverP99:0.0} ms"));
    }

    [Then("Prometheus shows at least {double} for:")]
    public Task ThenPrometheusShowsAtLeast(double minimum, string query) => PrometheusShows(query, v => v >= minimum, $"at least {minimum}");

    [Then("Prometheus shows at most {double} for:")]
    public Task ThenPrometheusShowsAtMost(double maximum, string query) => PrometheusShows(query, v => v <= maximum, $"at most {maximum}");

    /// <summary>Any PromQL that yields one number, evaluated now, once Prometheus has scraped everything the proxies counted.</summary>
    private async Task PrometheusShows(string query, Func<double, bool> expected, string wanted)
    {
        await prometheus.CatchUpAsync();
        var (_, value) = await prometheus.ScalarAsync(query.Trim(), at: null, CancellationToken.None);
        Assert.True(!double.IsNaN(value) && expected(value), $"Prometheus gave {value} for {query.Trim()}, wanted {wanted}");
    }

    [When("the proxies' convergence count is noted")]
    public async Task WhenConvergenceIsNoted() => _convergedBefore = await ConvergedAsync();

    [Then("meshctl proxy-status shows every proxy SYNCED at the newest version")]
    public async Task ThenProxyStatusShowsSynced()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await MeshCtl.RunAsync(["proxy-status", "--control-plane", mesh.ControlPlane.ToString()], output, errors);
        Assert.True(exit == 0, errors.ToString());
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(RunningMesh.Workloads.Count + 1, rows.Length);
        var newest = rows.Max(r => long.Parse(r[3], CultureInfo.InvariantCulture));
        Assert.All(rows, r => Assert.Equal(("SYNCED", newest), (r[2], long.Parse(r[3], CultureInfo.InvariantCulture))));
        _syncedProxies = rows.Length;
    }

    [Then("Prometheus' pilot_proxy_convergence_time counted an ACK from each of them")]
    public async Task ThenConvergenceCounted()
    {
        // Prometheus has caught up when it holds the control plane's own count.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long direct;
        double scraped;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), timeout.Token);
            direct = await ConvergedAsync();
            (_, scraped) = await prometheus.ScalarAsync("sum(pilot_proxy_convergence_time_count{job=\"pilot\"})", null, timeout.Token);
        }
        while (direct != scraped);

        Assert.True(direct - _convergedBefore >= _syncedProxies,
            $"pilot_proxy_convergence_time counted {direct - _convergedBefore} ACKs since the apply, for {_syncedProxies} synced proxies");
    }

    /// <summary>The control plane's own count of ACKs it timed.</summary>
    private async Task<long> ConvergedAsync()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(mesh.ControlPlane, "/metrics"));
        return (long)PrometheusText.Parse(text).Where(s => s.Name == "pilot_proxy_convergence_time_count").Sum(s => s.Value);
    }
}
