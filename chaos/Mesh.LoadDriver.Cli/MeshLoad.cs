using System.CommandLine;
using System.Globalization;
using Mesh.Config.Model;

namespace Mesh.LoadDriver.Cli;

/// <summary>
/// <c>meshload URL [-n N] [-d 30s] [-r 50] [-c 8] [--protocol http1|http2|grpc] [-H 'name: value']… [--traced]</c>: a bounded load
/// against a loopback address, a live progress line on stderr, and the report on stdout.
/// </summary>
public static class MeshLoad
{
    /// <summary>Exit codes: 0 the load ran (and met --min-success), 1 it fell short, 2 the command line is wrong.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var url = new Argument<string>("url") { Description = "Where to send requests (127.0.0.0/8, ::1 or localhost only)" };
        var requests = new Option<int?>("--requests", "-n") { Description = "Stop after this many requests" };
        var duration = new Option<string?>("--duration", "-d") { Description = "Stop after this long (e.g. 30s, 2m)" };
        var rate = new Option<double?>("--rate", "-r") { Description = "Open model: requests per second on a fixed schedule (default: closed model)" };
        var connections = new Option<int>("--connections", "-c") { Description = "Connections (closed-model workers)", DefaultValueFactory = _ => 8 };
        var protocol = new Option<string>("--protocol", "-p") { Description = "http1, http2 (h2c) or grpc", DefaultValueFactory = _ => "http1" };
        var headers = new Option<string[]>("--header", "-H") { Description = "A request header, 'name: value' (repeatable)", AllowMultipleArgumentsPerToken = false };
        var method = new Option<string>("--method", "-m") { Description = "HTTP method", DefaultValueFactory = _ => "GET" };
        var body = new Option<string?>("--body") { Description = "Request body (text)" };
        var grpcMethod = new Option<string?>("--grpc-method") { Description = "For grpc: package.Service/Method" };
        var grpcMessage = new Option<string?>("--grpc-message-hex") { Description = "For grpc: the serialized request message, in hex (default: empty message)" };
        var timeout = new Option<string>("--timeout") { Description = "Per-request timeout", DefaultValueFactory = _ => "30s" };
        var traced = new Option<bool>("--traced") { Description = "Let the mesh sample the load's traces (default: each request says 'not sampled', so load builds no spans)" };
        var minSuccess = new Option<double?>("--min-success") { Description = "Exit 1 when fewer than this percentage of requests succeed" };
        var root = new RootCommand("meshload: a bounded open- or closed-model load, with latency corrected for coordinated omission")
        {
            url, requests, duration, rate, connections, protocol, headers, method, body, grpcMethod, grpcMessage, timeout, traced, minSuccess,
        };

        LoadPlan? plan = null;
        double? floor = null;
        root.SetAction(result =>
        {
            floor = result.GetValue(minSuccess);
            var text = result.GetValue(body);
            plan = new LoadPlan
            {
                Target = Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var target) ? target : throw new ArgumentException($"'{result.GetValue(url)}' is not an absolute URL"),
                Requests = result.GetValue(requests),
                Duration = result.GetValue(duration) is { } d ? ParseDuration(d, "--duration") : null,
                RatePerSecond = result.GetValue(rate),
                Connections = result.GetValue(connections),
                Protocol = LoadPlan.ParseProtocol(result.GetValue(protocol)!),
                Method = HttpMethod.Parse(result.GetValue(method)),
                Headers = (result.GetValue(headers) ?? []).Select(ParseHeader).ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase),
                Body = text is null ? null : () => new StringContent(text),
                GrpcMethod = result.GetValue(grpcMethod),
                GrpcMessage = result.GetValue(grpcMessage) is { } hex ? Convert.FromHexString(hex) : [],
                Timeout = ParseDuration(result.GetValue(timeout)!, "--timeout"),
                Traced = result.GetValue(traced),
            };
        });

        var parsed = root.Parse(args);
        try
        {
            if (await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }) != 0 || parsed.Errors.Count > 0 || plan is null)
            {
                return 2;
            }

            plan.Validate();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        await stderr.WriteLineAsync(Describe(plan));
        var progress = new SynchronousProgress(p => stderr.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{p.Elapsed.TotalSeconds,6:0.0} s  {p.Completed,8} done  {p.Failed,6} failed  {p.CurrentRate,8:0.0} req/s ")));
        var report = await LoadRunner.RunAsync(plan, progress);
        await stderr.WriteLineAsync();
        await stdout.WriteAsync(report.ToString());
        return floor is { } min && report.SuccessPercent < min ? 1 : 0;
    }

    private static string Describe(LoadPlan plan) => string.Create(CultureInfo.InvariantCulture,
        $"{plan.Protocol} {plan.Method} {plan.Target}: {(plan.RatePerSecond is { } r ? $"open model at {r} req/s" : $"closed model, {plan.Connections} connections")}, " +
        $"{(plan.Requests is { } n ? $"{n} requests" : "")}{(plan.Requests is not null && plan.Duration is not null ? " or " : "")}{(plan.Duration is { } d ? $"{d.TotalSeconds} s" : "")}");

    private static TimeSpan ParseDuration(string text, string option) =>
        Durations.TryParse(text, out var value) && value > TimeSpan.Zero ? value : throw new ArgumentException($"{option} '{text}' is not a duration such as 500ms, 30s or 2m");

    private static (string Name, string Value) ParseHeader(string header) =>
        header.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
            ? (header[..colon].Trim(), header[(colon + 1)..].Trim())
            : throw new ArgumentException($"header '{header}' is not 'name: value'");

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a thread pool and could print after the report).</summary>
    private sealed class SynchronousProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}
