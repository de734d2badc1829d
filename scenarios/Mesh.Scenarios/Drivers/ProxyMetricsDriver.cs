namespace Mesh.Scenarios.Drivers;

/// <summary>Scrapes the proxies' Prometheus endpoints (<c>/stats/prometheus</c> on each admin port).</summary>
public sealed class ProxyMetricsDriver(ControlPlaneDriver controlPlane, HttpClient http)
{
    private IReadOnlyList<MetricSample> _baseline = [];

    /// <summary>Remembers every proxy's counters now, so a scenario can count only what happened during it.</summary>
    public async Task TakeBaselineAsync() => _baseline = await ScrapeAsync("istio_requests_total", _ => true);

    /// <summary>Like <see cref="RequestsAsync"/>, minus what the counters held when the scenario began.</summary>
    public async Task<double> RequestsSinceBaselineAsync(Func<string, bool> workload, params (string Label, string Value)[] labels)
    {
        var before = _baseline.Where(s => workload(s.Labels["proxy"]) && labels.All(l => s.Has(l.Label, l.Value))).Sum(s => s.Value);
        return await RequestsAsync(workload, labels) - before;
    }

    /// <summary>The samples of one metric from the proxies of the given workloads, each sample tagged with its proxy.</summary>
    public async Task<IReadOnlyList<MetricSample>> ScrapeAsync(string metric, Func<string, bool> workload, CancellationToken cancellationToken = default)
    {
        var samples = new List<MetricSample>();
        // The mesh's own proxies: a scenario may have connected a stream of its own (an attacker's) too.
        foreach (var proxy in (await controlPlane.ProxiesAsync(cancellationToken))
                     .Where(p => (RunningMesh.Workloads.Contains(p.Workload) || p.Kind == "gateway") && workload(p.Workload)))
        {
            var text = await http.GetStringAsync(new Uri($"http://{proxy.AdminAddress}/stats/prometheus"), cancellationToken);
            samples.AddRange(PrometheusText.Parse(text).Where(s => s.Name == metric)
                .Select(s => s with { Labels = new Dictionary<string, string>(s.Labels) { ["proxy"] = proxy.Workload } }));
        }

        return samples;
    }

    /// <summary>The sum of a metric over the proxies of the given workloads and the samples whose labels pass <paramref name="filter"/>.</summary>
    public async Task<double> SumAsync(string metric, Func<string, bool> workload, Func<MetricSample, bool> filter) =>
        (await ScrapeAsync(metric, workload)).Where(filter).Sum(s => s.Value);

    /// <summary>Like <see cref="SumAsync"/>, minus what the counter held when the scenario began (baselines cover istio_requests_total).</summary>
    public async Task<IReadOnlyList<MetricSample>> RequestSamplesSinceBaselineAsync(Func<string, bool> workload)
    {
        var now = await ScrapeAsync("istio_requests_total", workload);
        return now.Select(s => s with
        {
            Value = s.Value - _baseline.Where(b => b.Labels.Count == s.Labels.Count && b.Labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(b => b.Value),
        }).Where(s => s.Value > 0).ToArray();
    }

    /// <summary>The sum of <c>istio_requests_total</c> over the samples that carry every given label.</summary>
    public async Task<double> RequestsAsync(Func<string, bool> workload, params (string Label, string Value)[] labels)
    {
        var samples = await ScrapeAsync("istio_requests_total", workload);
        return samples.Where(s => labels.All(l => s.Has(l.Label, l.Value))).Sum(s => s.Value);
    }
}
