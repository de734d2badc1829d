using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Reads the mesh's metrics the way an operator does: PromQL against the real Prometheus the AppHost runs (the
/// Debian package), which scrapes every proxy the control plane's registry knows. Marks are Prometheus evaluation
/// times taken once Prometheus holds exactly what the proxies hold, so a scenario measures only its own traffic
/// with <c>@</c> queries between two marks.
/// </summary>
public sealed class PrometheusDriver(RunningMesh mesh, ProxyMetricsDriver proxies, HttpClient http)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<double> _marks = [];

    public Uri Address { get; } = new("http://127.0.0.1:9090");

    /// <summary>The two latest marks (from, to), for queries over what happened between them.</summary>
    public (double From, double To) Window => _marks.Count >= 2
        ? (_marks[^2], _marks[^1])
        : throw new InvalidOperationException("a window needs two marks: wait for Prometheus before and after the traffic");

    /// <summary>
    /// Waits until Prometheus' sum of <c>istio_requests_total</c> equals the one the proxies report now (no traffic
    /// is flowing), then marks that evaluation time.
    /// </summary>
    public async Task<double> CatchUpAsync()
    {
        if (!mesh.HasPrometheus)
        {
            Assert.Fail("Prometheus is not installed, so the AppHost runs none: apt-get install prometheus (see README, Telemetry)");
        }

        using var timeout = new CancellationTokenSource(Patience);
        string seen = "";
        while (!timeout.IsCancellationRequested)
        {
            var direct = (await proxies.ScrapeAsync("istio_requests_total", _ => true, timeout.Token)).Sum(s => s.Value);
            var (time, sum) = await ScalarAsync("sum(istio_requests_total)", at: null, timeout.Token);
            var scraped = double.IsNaN(sum) ? 0 : sum; // no series yet: nothing was counted
            var proxyCount = (await VectorAsync("count(up{job=\"envoy-stats\"} == 1)", null, timeout.Token)).Sum(s => s.Value);
            var connected = (await proxies.ScrapeAsync("mesh_proxy_config_version", _ => true, timeout.Token)).Count;
            seen = $"Prometheus {scraped} from {proxyCount} proxies, the proxies themselves {direct} from {connected}";
            if (scraped == direct && proxyCount == connected)
            {
                _marks.Add(time);
                return time;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Assert.Fail($"Prometheus did not catch up with the proxies in {Patience.TotalSeconds} s: {seen}");
        return 0;
    }

    /// <summary>
    /// How much a counter grew between the two latest marks, by the given labels (<paramref name="selector"/> is
    /// PromQL inside braces). Series that did not exist at the first mark count from zero.
    /// </summary>
    public async Task<IReadOnlyList<PromSample>> IncreaseAsync(string metric, string selector, string by)
    {
        var (from, to) = Window;
        var now = $"sum by ({by}) ({metric}{{{selector}}} @ {Stamp(to)})";
        var then = $"sum by ({by}) ({metric}{{{selector}}} @ {Stamp(from)})";
        return await VectorAsync($"{now} - ({then} or {now} * 0)", null, CancellationToken.None);
    }

    /// <summary>A quantile (0–1) of a histogram over the window, computed by Prometheus' <c>histogram_quantile</c>.</summary>
    public async Task<double> QuantileAsync(double quantile, string histogram, string selector)
    {
        var (from, to) = Window;
        string Buckets(double at) => $"sum by (le) ({histogram}_bucket{{{selector}}} @ {Stamp(at)})";
        var query = string.Create(CultureInfo.InvariantCulture,
            $"histogram_quantile({quantile}, {Buckets(to)} - ({Buckets(from)} or {Buckets(to)} * 0))");
        return (await ScalarAsync(query, to, CancellationToken.None)).Value;
    }

    public async Task<IReadOnlyList<PromSample>> VectorAsync(string query, double? at, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string> { ["query"] = query };
        if (at is { } time)
        {
            parameters["time"] = Stamp(time);
        }

        using var content = new FormUrlEncodedContent(parameters);
        using var response = await http.PostAsync(new Uri(Address, "/api/v1/query"), content, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (body.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused {query}: {body}");
        }

        return body.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => new PromSample(
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            r.GetProperty("value")[0].GetDouble(),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToArray();
    }

    /// <summary>A query that yields one number (NaN when it yields none), with the evaluation time.</summary>
    public async Task<(double Time, double Value)> ScalarAsync(string query, double? at, CancellationToken cancellationToken)
    {
        var result = await VectorAsync(query, at, cancellationToken);
        return result.Count switch
        {
            0 => (at ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, double.NaN),
            1 => (result[0].Time, result[0].Value),
            _ => throw new InvalidOperationException($"{query} gave {result.Count} series, not one"),
        };
    }

    private static string Stamp(double time) => time.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>One series of a Prometheus query result: its labels, the evaluation time and the value.</summary>
public sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Time, double Value);
