namespace Mesh.Benchmarks;

public sealed record BenchOptions(int Rounds, TimeSpan Duration, double Rate, int Connections, string Output)
{
    /// <summary>The control-plane scale simulation's sizes (empty: skip it) and its churn duration.</summary>
    public IReadOnlyList<int> ScaleProxies { get; init; } = [100, 1000, 5000];

    public TimeSpan Churn { get; init; } = TimeSpan.FromSeconds(30);

    public bool DataPlane { get; init; } = true;

    /// <summary>Only these paths (by name), when given.</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new BenchOptions(
            int.Parse(Value("--rounds") ?? (quick ? "1" : "3"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Value("--seconds") ?? (quick ? "3" : "10"), System.Globalization.CultureInfo.InvariantCulture)),
            1000,
            16,
            Value("--output") ?? Path.Combine("artifacts", "benchmarks", "results.md"))
        {
            ScaleProxies = (Value("--scale") ?? (quick ? "100,1000" : "100,1000,5000")) is var sizes && sizes == "none"
                ? []
                : [.. sizes.Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))],
            Churn = TimeSpan.FromSeconds(double.Parse(Value("--churn-seconds") ?? (quick ? "5" : "30"), System.Globalization.CultureInfo.InvariantCulture)),
            DataPlane = !args.Contains("--scale-only"),
            Paths = Value("--paths")?.Split(';', StringSplitOptions.TrimEntries),
        };
    }
}

/// <summary>One path's figures over the rounds (median, and the range).</summary>
public sealed record PathResult(
    string Path, string? Unavailable,
    IReadOnlyList<double> P50, IReadOnlyList<double> P90, IReadOnlyList<double> P99,
    IReadOnlyList<double> CpuPerThousand, IReadOnlyList<double> Throughput,
    double? IdleRss, IReadOnlyList<double> LoadedRss, IReadOnlyList<double> ErrorPercent)
{
    /// <summary>Proportional set size under load (see <see cref="ProcessStats.PssMegabytes"/>).</summary>
    public IReadOnlyList<double> LoadedPss { get; init; } = [];
}

/// <summary>
/// The measurements: per path and round, h2load at a fixed rate (latency percentiles from every request's time, CPU
/// seconds of the path's proxies per 1000 requests from /proc, RSS under load), then wrk's closed-model maximum. gRPC
/// paths get the same with h2load sending unary calls. A short warm-up comes before each path's first round.
/// </summary>
public static class Benchmark
{
    public static async Task<IReadOnlyList<PathResult>> RunAsync(IReadOnlyList<BenchPath> paths, BenchOptions options, TextWriter log, GrpcCall? grpc = null)
    {
        var results = new List<PathResult>();
        foreach (var path in paths.Where(p => options.Paths is null || options.Paths.Contains(p.Name)))
        {
            if (path.Unavailable is not null)
            {
                results.Add(new PathResult(path.Name, path.Unavailable, [], [], [], [], [], null, [], []));
                continue;
            }

            var pids = path.Carriers.SelectMany(p => ProcessStats.Tree(p.Id)).ToArray();
            double? idle = pids.Length > 0 ? pids.Sum(ProcessStats.RssMegabytes) : null;
            // Warm-up: a burst at full speed, so the JIT's tiering (hot methods recompiled with profile data) is done
            // before measuring, then a moment at the measured rate. Without it the first round bills JIT time to requests.
            if (grpc is null)
            {
                await PeerTools.WrkAsync(path.Url, options.Connections, TimeSpan.FromSeconds(5));
            }
            else
            {
                await PeerTools.H2LoadAsync(path.Url, options.Connections, rate: null, TimeSpan.FromSeconds(5), grpc);
            }

            await PeerTools.H2LoadAsync(path.Url, options.Connections, options.Rate, TimeSpan.FromSeconds(2), grpc);
            var (p50, p90, p99, cpu, tput, rss, errors) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
            var pss = new List<double>();
            for (var round = 0; round < options.Rounds; round++)
            {
                var before = pids.Sum(ProcessStats.CpuSeconds);
                var fixedRate = await PeerTools.H2LoadAsync(path.Url, options.Connections, options.Rate, options.Duration, grpc);
                var after = pids.Sum(ProcessStats.CpuSeconds);
                if (pids.Length > 0)
                {
                    rss.Add(pids.Sum(ProcessStats.RssMegabytes));
                    pss.Add(pids.Sum(ProcessStats.PssMegabytes));
                    cpu.Add((after - before) / (fixedRate.Requests / 1000.0));
                }

                p50.Add(fixedRate.Percentile(50));
                p90.Add(fixedRate.Percentile(90));
                p99.Add(fixedRate.Percentile(99));
                errors.Add(fixedRate.ErrorPercent);
                var closed = grpc is null
                    ? await PeerTools.WrkAsync(path.Url, options.Connections, options.Duration)
                    : await PeerTools.H2LoadAsync(path.Url, options.Connections, rate: null, options.Duration, grpc);
                tput.Add(closed.RequestsPerSecond);
                log.WriteLine($"{path.Name}{(grpc is null ? "" : " (gRPC)")}, round {round + 1}: p99 {p99[^1]:0.000} ms at {options.Rate} rps, {tput[^1]:0} rps max");
            }

            results.Add(new PathResult(path.Name, null, p50, p90, p99, cpu, tput, idle, rss, errors) { LoadedPss = pss });
        }

        return results;
    }
}
