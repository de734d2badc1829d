using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Benchmarks;

/// <summary>One load run's outcome: every request's duration (sorted, ms), the failures, and the rate achieved.</summary>
public sealed record LoadRun(double[] SortedMilliseconds, int Failed, double RequestsPerSecond)
{
    public int Requests => SortedMilliseconds.Length + Failed;

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p) => SortedMilliseconds.Length == 0
        ? double.NaN
        : SortedMilliseconds[Math.Clamp((int)Math.Ceiling(p / 100 * SortedMilliseconds.Length) - 1, 0, SortedMilliseconds.Length - 1)];

    public double ErrorPercent => Requests == 0 ? 100 : 100.0 * Failed / Requests;
}

/// <summary>A gRPC unary call as h2load sends it: the method's path and one length-prefixed request message.</summary>
public sealed record GrpcCall(string Path, byte[] Frame);

/// <summary>
/// The load tools peers are measured with, so that the mesh and nginx/HAProxy get the same client: h2load
/// (nghttp2-client) at a fixed rate for latency (per-request times from its log) and for gRPC, wrk for the closed-model
/// maximum. Both are C programs, so they take less of the two cores than a .NET client would.
/// </summary>
public static partial class PeerTools
{
    public const string H2Load = "/usr/bin/h2load", Wrk = "/usr/bin/wrk";

    public static string? Missing() =>
        !File.Exists(H2Load) ? "h2load is not installed (apt-get install nghttp2-client)"
        : !File.Exists(Wrk) ? "wrk is not installed (apt-get install wrk)"
        : null;

    /// <summary>h2load: a fixed total rate spread evenly over the connections (open model), or as fast as it can when rate is null.</summary>
    public static async Task<LoadRun> H2LoadAsync(Uri url, int connections, double? rate, TimeSpan duration, GrpcCall? grpc = null)
    {
        var log = Path.GetTempFileName();
        var body = grpc is null ? null : Path.GetTempFileName();
        try
        {
            List<string> args = ["-c", $"{connections}", "-t", "1", "-m", "1", "--log-file", log];
            if (rate is { } total)
            {
                // Each connection at its share of the rate, the connections opened one per 1/rate apart, so requests
                // arrive evenly instead of in bursts of one per connection (h2load's -r excludes -D: count instead).
                args.AddRange([
                    string.Create(CultureInfo.InvariantCulture, $"--rps={total / connections}"),
                    "-r", "1", string.Create(CultureInfo.InvariantCulture, $"--rate-period={Math.Max(1, (int)Math.Round(1000 / total))}ms"),
                    "-n", $"{(int)(total * duration.TotalSeconds)}",
                ]);
            }
            else
            {
                args.AddRange(["-D", $"{duration.TotalSeconds:0}"]);
            }

            if (grpc is null)
            {
                args.AddRange(["--h1", url.ToString()]);
            }
            else
            {
                await File.WriteAllBytesAsync(body!, grpc.Frame);
                args.AddRange(["-d", body!, "-H", "content-type: application/grpc", "-H", "te: trailers", new Uri(url, grpc.Path).ToString()]);
            }

            var output = await RunAsync(H2Load, args);
            var durations = new List<double>();
            foreach (var line in await File.ReadAllLinesAsync(log))
            {
                if (line.Split('\t') is [_, "200", var micros])
                {
                    durations.Add(long.Parse(micros, CultureInfo.InvariantCulture) / 1000.0);
                }
            }

            // h2load's "failed" counts non-2xx answers and requests that never completed (those are not in the log).
            var summary = RequestsLine().Match(output);
            var failed = summary.Success ? int.Parse(summary.Groups["failed"].Value, CultureInfo.InvariantCulture) : 0;
            var rps = FinishedLine().Match(output) is { Success: true } finished ? double.Parse(finished.Groups["rps"].Value, CultureInfo.InvariantCulture) : double.NaN;
            return new LoadRun([.. durations.Order()], failed, rps);
        }
        finally
        {
            File.Delete(log);
            if (body is not null)
            {
                File.Delete(body);
            }
        }
    }

    /// <summary>wrk's closed-model maximum: requests per second over the connections on two threads.</summary>
    public static async Task<LoadRun> WrkAsync(Uri url, int connections, TimeSpan duration)
    {
        var output = await RunAsync(Wrk, ["-t2", $"-c{connections}", $"-d{duration.TotalSeconds:0}s", url.ToString()]);
        var rps = WrkRate().Match(output);
        var errors = WrkErrors().Match(output);
        if (!rps.Success)
        {
            throw new InvalidOperationException($"wrk printed no rate: {output}");
        }

        var failed = errors.Success ? int.Parse(errors.Groups["count"].Value, CultureInfo.InvariantCulture) : 0;
        return new LoadRun([], failed, double.Parse(rps.Groups["rps"].Value, CultureInfo.InvariantCulture));
    }

    private static async Task<string> RunAsync(string tool, IEnumerable<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited {process.ExitCode}: {error}{await output}");
        }

        return await output;
    }

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (?<failed>\d+) failed")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"finished in [\d.]+s, (?<rps>[\d.]+) req/s")]
    private static partial Regex FinishedLine();

    [GeneratedRegex(@"Requests/sec:\s+(?<rps>[\d.]+)")]
    private static partial Regex WrkRate();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (?<count>\d+)")]
    private static partial Regex WrkErrors();
}
