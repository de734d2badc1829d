using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mesh.Benchmarks;

/// <summary>The Markdown results: the machine, the revision, each path's figures, and the issue's goals met or not, with the gap.</summary>
public static class ResultsTable
{
    public static string Markdown(IReadOnlyList<PathResult> results, IReadOnlyList<PathResult> grpc, IReadOnlyList<Scale.ScaleResult> scale, BenchOptions options)
    {
        var text = new StringBuilder("# Mesh benchmark\n\n");
        text.Append(CultureInfo.InvariantCulture, $"- When: {DateTimeOffset.UtcNow:u}\n- Revision: {Git("rev-parse", "--short", "HEAD")}{(Git("status", "--porcelain").Length > 0 ? " (with uncommitted changes)" : "")}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Machine: {Cpu()}, {Environment.ProcessorCount} cores, {Memory()}; .NET {Environment.Version}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Method: every path on 127.0.0.1, one backend answering 1 KB; {options.Rounds} round(s) of {options.Duration.TotalSeconds:0} s per figure after a warm-up (5 s at full speed, so that the JIT has finished tiering, then 2 s at the fixed rate); median, with min–max when more than one round. Latency: h2load at a fixed {options.Rate} rps over {options.Connections} HTTP/1.1 connections opened 1/rate apart (so requests arrive evenly, not in bursts), every request's time from its log. Maximum: wrk, 2 threads, {options.Connections} connections (gRPC: h2load, {options.Connections} connections, one call in flight on each). CPU: user+system seconds of the path's proxy processes per 1000 requests at {options.Rate} rps, from /proc. RSS: the path's proxy processes, idle and at the end of the fixed-rate run; PSS: the same with shared pages (the .NET runtime's code, mapped by every .NET process) divided among the processes sharing them. The load tools share the two cores with the paths.\n\n");
        var direct = results.FirstOrDefault(r => r.Path == "direct" && r.P99.Count > 0);
        PathTable(text, results, direct);
        if (grpc.Count > 0)
        {
            text.Append("\n### gRPC unary calls\n\n");
            PathTable(text, grpc, grpc.FirstOrDefault(r => r.Path == "direct" && r.P99.Count > 0));
        }

        text.Append("\n## Goals (issue 9)\n\n| goal | measured | | what limits it |\n|---|---|---|---|\n");
        var yarp = results.FirstOrDefault(r => r.Path == "yarp-bare" && r.P99.Count > 0);
        var two = results.FirstOrDefault(r => r.Path == "two sidecars, mTLS" && r.P99.Count > 0);
        var one = results.FirstOrDefault(r => r.Path == "one sidecar" && r.P99.Count > 0);
        var nginx = results.FirstOrDefault(r => r.Path == "nginx" && r.P99.Count > 0);
        if (two is not null && direct is not null)
        {
            var addedP99 = Median(two.P99) - Median(direct.P99);
            Goal(text, "two sidecars with mTLS add at most 0.5 ms at p99 at 1000 rps", $"+{addedP99:0.000} ms", addedP99 <= 0.5, $"{addedP99 - 0.5:0.000} ms over",
                yarp is null || nginx is null ? "" : $"each .NET hop's tail on two cores shared with the load tool: one hop of bare YARP has a p99 of {Median(yarp.P99):0.000} ms where nginx has {Median(nginx.P99):0.000} ms, and this path has two .NET hops and a mutual-TLS HTTP/2 leg between them; direct's own p99 varies by a few tenths of a millisecond between rounds");
        }

        if (one is not null && nginx is not null)
        {
            var ratio = Median(one.Throughput) / Median(nginx.Throughput);
            Goal(text, "one sidecar's maximum throughput is at least nginx's", $"{Median(one.Throughput):0} vs {Median(nginx.Throughput):0} rps ({ratio:P0})", ratio >= 1, $"{1 - ratio:P0} short",
                yarp is null ? "" : $"Kestrel and YARP themselves: bare YARP, with no mesh logic, reaches {Median(yarp.Throughput):0} rps ({Median(yarp.Throughput) / Median(nginx.Throughput):P0} of nginx) in this run");
        }

        if (one is not null && one.LoadedRss.Count > 0)
        {
            Goal(text, "sidecar RSS at most 50 MB under load", $"{Median(one.LoadedRss):0} MB RSS ({(one.LoadedPss.Count > 0 ? Median(one.LoadedPss) : double.NaN):0} MB PSS)", Median(one.LoadedRss) <= 50, $"{Median(one.LoadedRss) - 50:0} MB over",
                "RSS counts the .NET runtime's and framework's code pages (about 75 MB, shared by every .NET process and every container of one image) in full; bare YARP idles at " + (yarp?.IdleRss is { } y ? $"{y:0} MB" : "a similar size") + ". Below 50 MB takes Native AOT");
        }

        if (one is not null && one.CpuPerThousand.Count > 0)
        {
            var vcpu = Median(one.CpuPerThousand);
            Goal(text, "at most 0.2 vCPU per 1000 rps (CPU-s per 1000 requests)", $"{vcpu:0.000}", vcpu <= 0.2, $"{vcpu / 0.2:0.0}× the goal",
                "at a low rate most of it is the thread pool waking and sleeping, not forwarding");
        }

        foreach (var (proxies, limit) in new[] { (1000, 1.0), (5000, 3.0) })
        {
            if (scale.FirstOrDefault(r => r.Proxies == proxies && !r.Scoped) is { } at)
            {
                Goal(text, $"convergence p99 at most {limit:0} s at {proxies} proxies", $"{at.Single.P99:0.000} s (one change), {at.Churn.P99:0.000} s (churn)",
                    Math.Max(at.Single.P99, at.Churn.P99) <= limit, $"{Math.Max(at.Single.P99, at.Churn.P99) - limit:0.000} s over",
                    "under churn, the debounce's 500 ms bound");
            }
        }

        if (scale.FirstOrDefault(r => r.Proxies == 1000 && !r.Scoped) is { } thousand)
        {
            Goal(text, "control-plane memory at most 300 MB at 1000 proxies (peak RSS)", $"{thousand.PeakRssMegabytes:0} MB (settled {thousand.RssMegabytes:0} MB)", thousand.PeakRssMegabytes <= 300, $"{thousand.PeakRssMegabytes - 300:0} MB over",
                "the GC lets the heap grow under churn while memory is free; with a heap limit (a container memory limit sets one at 75 %) it collects sooner: MESH_SCALE_CP_DOTNET_GCHeapHardLimit=0xC000000 kept the peak near 290 MB with the same convergence");
        }

        if (scale.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n## Control-plane scale simulation\n\nOne real control-plane process; in the benchmark process, N simulated proxies, each a real gRPC stream on its own connection that registers its own workload (so the registry holds N workloads in namespaces of 100 and services of 10) and ACKs every push. Convergence: from just before a VirtualService change is posted to the ACK of a snapshot that holds it, over every proxy. Churn: a change every 100 ms for {options.Churn.TotalSeconds:0} s, every (proxy, change) pair counted. CPU: the control plane's user+system seconds. Both processes share the machine's cores. Rows marked scoped give every namespace a Sidecar (egress `./*` and `bench/*`), so each proxy is sent its namespace's 100 workloads and the changed VirtualService, and a registration is pushed only to its own namespace; the goals are judged on the unscoped rows, where every proxy sees everything.\n\n");
            text.Append("| proxies | all connected s | one change p50 / p99 / max s | churn p50 / p99 / max s | pushes per proxy in churn | CPU-s connecting | CPU-s churn | RSS MB settled | peak RSS MB | never converged | reconnects |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
            foreach (var r in scale)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"| {r.Proxies}{(r.Scoped ? ", scoped" : "")} | {r.ConnectSeconds:0.00} | {r.Single.P50:0.000} / {r.Single.P99:0.000} / {r.Single.Max:0.000} | {r.Churn.P50:0.000} / {r.Churn.P99:0.000} / {r.Churn.Max:0.000} | {r.PushesPerProxyInChurn:0.0} ({r.ChurnChanges} changes) | {r.ConnectCpuSeconds:0.0} | {r.ChurnCpuSeconds:0.0} | {r.RssMegabytes:0} | {r.PeakRssMegabytes:0} | {r.Unconverged} | {r.Reconnects} |\n");
            }
        }

        return text.ToString();
    }

    private static void PathTable(StringBuilder text, IReadOnlyList<PathResult> results, PathResult? direct)
    {
        text.Append("| path | p50 ms | p90 ms | p99 ms | added p99 over direct | max rps | CPU-s per 1k req | RSS idle MB | RSS load MB | PSS load MB | errors % |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
        {
            if (r.Unavailable is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {r.Path} | {r.Unavailable} | | | | | | | | | |\n");
                continue;
            }

            var added = direct is null || r == direct ? "–" : (Median(r.P99) - Median(direct.P99)).ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Path} | {F(r.P50)} | {F(r.P90)} | {F(r.P99)} | {added} | {F(r.Throughput, "0")} | {(r.CpuPerThousand.Count > 0 ? F(r.CpuPerThousand) : "–")} | {(r.IdleRss is { } idle ? idle.ToString("0", CultureInfo.InvariantCulture) : "–")} | {(r.LoadedRss.Count > 0 ? F(r.LoadedRss, "0") : "–")} | {(r.LoadedPss.Count > 0 ? F(r.LoadedPss, "0") : "–")} | {Median(r.ErrorPercent):0.00} |\n");
        }
    }

    private static void Goal(StringBuilder text, string goal, string measured, bool met, string gap, string limit) =>
        text.Append(CultureInfo.InvariantCulture, $"| {goal} | {measured} | {(met ? "met" : $"**not met**: {gap}")} | {(met ? "" : limit)} |\n");

    private static double Median(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

    private static string F(IReadOnlyList<double> values, string format = "0.000") => values.Count switch
    {
        0 => "–",
        1 => values[0].ToString(format, CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Median(values).ToString(format, CultureInfo.InvariantCulture)} ({values.Min().ToString(format, CultureInfo.InvariantCulture)}–{values.Max().ToString(format, CultureInfo.InvariantCulture)})"),
    };

    private static string Cpu() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

    private static string Memory() => File.Exists("/proc/meminfo")
        ? $"{long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024} GiB"
        : "unknown memory";

    private static string Git(params string[] arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
