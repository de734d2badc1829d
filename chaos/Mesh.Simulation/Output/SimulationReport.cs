using System.Globalization;
using System.Text;

namespace Mesh.Simulation.Output;

/// <summary>
/// Writes a run's results: Istio-named metrics in Prometheus' text format, the timeline as CSV and as an SVG chart,
/// and a summary in Markdown. Everything is sorted and formatted invariantly, so the same seed gives the same bytes.
/// </summary>
public static class SimulationReport
{
    public static IReadOnlyList<string> WriteAll(SimulationResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new (string Name, string Text)[]
        {
            ("metrics.prom", Prometheus(result)),
            ("timeline.csv", Csv(result)),
            ("timeline.svg", Chart(result)),
            ("report.md", Summary(result)),
        };
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(directory, name), text);
        }

        return files.Select(f => Path.Combine(directory, f.Name)).ToArray();
    }

    public static string Prometheus(SimulationResult result)
    {
        var ns = result.Topology.Namespace;
        var text = new StringBuilder();
        text.Append("# HELP istio_requests_total Requests by source, destination and outcome, as the calling sidecars report them.\n# TYPE istio_requests_total counter\n");
        var series = result.Metrics.Requests.OrderBy(s => Labels(s.Key, ns), StringComparer.Ordinal).ToArray();
        foreach (var (key, s) in series)
        {
            text.Append(CultureInfo.InvariantCulture, $"istio_requests_total{{{Labels(key, ns)}}} {s.Count}\n");
        }

        text.Append("# HELP istio_request_duration_milliseconds Request duration seen by the calling sidecar.\n# TYPE istio_request_duration_milliseconds histogram\n");
        foreach (var (key, s) in series)
        {
            var labels = Labels(key, ns);
            var cumulative = 0L;
            for (var i = 0; i <= MetricsRecorder.DurationBuckets.Length; i++)
            {
                cumulative += s.Buckets[i];
                var le = i < MetricsRecorder.DurationBuckets.Length ? MetricsRecorder.DurationBuckets[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                text.Append(CultureInfo.InvariantCulture, $"istio_request_duration_milliseconds_bucket{{{labels},le=\"{le}\"}} {cumulative}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"istio_request_duration_milliseconds_sum{{{labels}}} {s.Sum.ToString("0.###", CultureInfo.InvariantCulture)}\n");
            text.Append(CultureInfo.InvariantCulture, $"istio_request_duration_milliseconds_count{{{labels}}} {s.Count}\n");
        }

        return text.ToString();
    }

    private static string Labels(MetricsRecorder.SeriesKey k, string ns) =>
        $"reporter=\"source\",source_workload=\"{k.SourceWorkload}\",source_workload_namespace=\"{ns}\",source_app=\"{k.SourceApp}\",source_version=\"{k.SourceVersion}\"," +
        $"destination_workload=\"{k.DestinationWorkload}\",destination_workload_namespace=\"{(k.DestinationWorkload == "unknown" ? "unknown" : ns)}\"," +
        $"destination_app=\"{k.DestinationApp}\",destination_version=\"{k.DestinationVersion}\"," +
        $"destination_service=\"{k.Service}.{ns}.svc.cluster.local\",destination_service_name=\"{k.Service}\"," +
        $"response_code=\"{k.Code.ToString(CultureInfo.InvariantCulture)}\",response_flags=\"{k.Flags}\"";

    public static string Csv(SimulationResult result)
    {
        var text = new StringBuilder("time_s,service,requests,rps,success_rate,p99_ms,load_rps\n");
        foreach (var row in result.Metrics.Timeline)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{row.At.TotalSeconds:0.###},{row.Service},{row.Requests},{row.RequestsPerSecond:0.###},{row.SuccessRate:0.#####},{(row.P99 is { } p ? p.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) : "")},{row.LoadPerSecond:0.###}\n");
        }

        return text.ToString();
    }

    /// <summary>Two panels over time: success rate and load (attempts per second, retries included) for the busiest services and any named by an event.</summary>
    public static string Chart(SimulationResult result)
    {
        var rows = result.Metrics.Timeline;
        var named = result.Topology.Events.Select(e => e.Service).Concat(result.Topology.Ingress.Select(i => i.Service));
        var busiest = rows.GroupBy(r => r.Service).OrderByDescending(g => g.Sum(r => r.Received)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key);
        var services = named.Concat(busiest).Distinct().Take(8).ToArray();
        string[] colours = ["#0550ae", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#1b7c83", "#57606a"];
        const int width = 900, panel = 220, left = 70, top = 40, gap = 70;
        var end = rows.Count == 0 ? 1 : rows.Max(r => r.At.TotalSeconds);
        var maxLoad = Math.Max(1, rows.Where(r => services.Contains(r.Service)).Select(r => r.LoadPerSecond).DefaultIfEmpty(1).Max());
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{top + 2 * panel + gap + 60 + services.Length * 16}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>Simulation, seed {result.Seed}: success rate and load per service</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        Panel(svg, "Success rate (%)", top, 0, 100);
        Panel(svg, "Load (attempts/s, retries included)", top + panel + gap, 0, maxLoad);
        for (var i = 0; i < services.Length; i++)
        {
            var points = rows.Where(r => r.Service == services[i]).ToArray();
            Line(svg, points.Select(r => (r.At.TotalSeconds, r.SuccessRate * 100)), top, 0, 100, colours[i]);
            Line(svg, points.Select(r => (r.At.TotalSeconds, r.LoadPerSecond)), top + panel + gap, 0, maxLoad, colours[i]);
            var y = top + 2 * panel + gap + 40 + i * 16;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y - 9}\" width=\"12\" height=\"3\" fill=\"{colours[i]}\"/><text x=\"{left + 18}\" y=\"{y}\">{services[i]}</text>\n");
        }

        // The failure timeline, as dashed lines across both panels.
        foreach (var e in result.Topology.Events.Where(e => e.At.TotalSeconds <= end))
        {
            var x = left + (width - left - 20) * e.At.TotalSeconds / end;
            var what = e.Recover ? "recovers" : e.Crash ? "crashes" : string.Join(", ", new[] { e.ErrorRate is { } r ? $"{r:0.##} errors" : null, e.Slowdown is { } f ? $"{f:0.#}x slower" : null }.OfType<string>());
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{top}\" y2=\"{top + 2 * panel + gap}\" stroke=\"#57606a\" stroke-dasharray=\"4 4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 4:0.#}\" y=\"{top + panel + 34}\" fill=\"#57606a\">{e.At.TotalSeconds:0} s: {e.Service} {what}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();

        void Panel(StringBuilder s, string title, int y0, double min, double max)
        {
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{y0 - 10}\" font-weight=\"bold\">{title}</text>\n");
            s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y0}\" width=\"{width - left - 20}\" height=\"{panel}\" fill=\"none\" stroke=\"#d0d7de\"/>\n");
            for (var t = 0; t <= 4; t++)
            {
                var v = min + (max - min) * t / 4;
                var y = y0 + panel - panel * t / 4.0;
                s.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{v:0.#}</text><line x1=\"{left}\" x2=\"{width - 20}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#eaeef2\"/>\n");
            }

            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 20}\" y=\"{y0 + panel + 16}\" text-anchor=\"end\">{end:0} s</text><text x=\"{left}\" y=\"{y0 + panel + 16}\">0 s</text>\n");
        }

        void Line(StringBuilder s, IEnumerable<(double X, double Y)> points, int y0, double min, double max, string colour)
        {
            var path = string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{left + (width - left - 20) * p.X / end:0.#},{y0 + panel - panel * (Math.Clamp(p.Y, min, max) - min) / (max - min):0.#}")));
            if (path.Length > 0)
            {
                s.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{path}\"/>\n");
            }
        }
    }

    public static string Summary(SimulationResult result)
    {
        var m = result.Metrics;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Simulation report\n\nSeed {result.Seed}, {result.Duration.TotalSeconds:0} s of virtual time, {result.Topology.Services.Count} services, " +
            $"{result.Topology.Services.Sum(s => s.Versions.Sum(v => v.Replicas))} replicas, {result.Events:N0} events.\n\n");
        text.Append(CultureInfo.InvariantCulture, $"## What callers from outside saw\n\n{m.IngressRequests:N0} requests, {result.SuccessPercent:0.###} % succeeded; " +
            $"p50 {Ms(m.Ingress.Percentile(50))}, p99 {Ms(m.Ingress.Percentile(99))}, p99.9 {Ms(m.Ingress.Percentile(99.9))}.\n\n");
        text.Append("| status | requests |\n|---|---|\n");
        foreach (var (status, count) in m.IngressByStatus.OrderBy(s => s.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"| {status} | {count:N0} |\n");
        }

        text.Append("\n## Per service\n\nCalls are what callers' sidecars sent (once per request); load is what the replicas took (retries included).\n\n");
        text.Append("| service | calls | success % | load | retries | budget refused | ejections | overflows (UO) |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var service in result.Topology.Services.Select(s => s.Name).Order(StringComparer.Ordinal))
        {
            var calls = result.RequestsTo(service);
            var ok = result.SucceededTo(service);
            text.Append(CultureInfo.InvariantCulture, $"| {service} | {calls:N0} | {(calls == 0 ? 100 : 100.0 * ok / calls):0.##} | {result.LoadOn(service):N0} | " +
                $"{result.Retries(service):N0} | {result.BudgetExhausted(service):N0} | {result.Ejections(service):N0} | {result.Overflows(service):N0} |\n");
        }

        return text.ToString();
    }

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.##} ms");
}
