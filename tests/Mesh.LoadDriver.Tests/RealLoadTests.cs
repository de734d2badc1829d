using Grpc.Core;
using Mesh.Proxy.Tests.Echo;
using Mesh.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.LoadDriver.Tests;

/// <summary>The load driver against real loopback servers: known latencies, a fixed rate, HTTP/2 and gRPC, and the CLI.</summary>
public sealed class RealLoadTests
{
    /// <summary>Every tenth request takes 200 ms, the others 20 ms: a known two-mode distribution.</summary>
    private static Func<int, HttpContext, Task<bool>> TwoModes => async (number, context) =>
    {
        await Task.Delay(number % 10 == 0 ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromMilliseconds(20), context.RequestAborted);
        return false;
    };

    [Fact]
    public async Task Percentiles_FindTheServersKnownLatencies()
    {
        await using var server = await HttpEchoServer.StartAsync("two-modes", http2: false, behavior: TwoModes);

        var report = await LoadRunner.RunAsync(new LoadPlan { Target = new Uri($"http://127.0.0.1:{server.Port}/"), Connections = 1, Requests = 100 });

        // Latencies can only be longer than the server's delay, never shorter: p50 sits in the 20 ms mode (well below
        // the 200 ms one), and p90 is the boundary, with p99 and the max in the 200 ms mode.
        Assert.Equal(100, report.Succeeded);
        Assert.InRange(report.Percentile(50).TotalMilliseconds, 20, 199);
        Assert.InRange(report.Percentile(99).TotalMilliseconds, 200, double.MaxValue);
        Assert.InRange(report.Percentile(80).TotalMilliseconds, 20, 199);
        Assert.True(report.Max >= TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Load_SaysNotSampled_UnlessTracedOrGivenATraceParent()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using var server = await HttpEchoServer.StartAsync("traces", http2: false, behavior: (_, context) =>
        {
            seen.Add(context.Request.Headers.TraceParent.ToString());
            return Task.FromResult(false);
        });
        var target = new Uri($"http://127.0.0.1:{server.Port}/");

        await LoadRunner.RunAsync(new LoadPlan { Target = target, Connections = 2, Requests = 20 });
        var unsampled = seen.ToArray();
        seen.Clear();
        await LoadRunner.RunAsync(new LoadPlan { Target = target, Requests = 5, Traced = true });
        var traced = seen.ToArray();
        seen.Clear();
        const string given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        await LoadRunner.RunAsync(new LoadPlan { Target = target, Requests = 5, Headers = new Dictionary<string, string> { ["TraceParent"] = given } });

        // A W3C traceparent with the sampled flag clear, a fresh trace for every request.
        Assert.Equal(20, unsampled.Length);
        Assert.All(unsampled, t => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", t));
        Assert.Equal(20, unsampled.Select(t => t[3..35]).Distinct().Count());
        Assert.Equal(["", "", "", "", ""], traced);
        Assert.Equal(Enumerable.Repeat(given, 5), seen);
    }

    [Fact]
    public async Task AFixedRate_IsHeld()
    {
        await using var server = await HttpEchoServer.StartAsync("fast", http2: false);

        var report = await LoadRunner.RunAsync(new LoadPlan { Target = new Uri($"http://127.0.0.1:{server.Port}/"), RatePerSecond = 100, Requests = 300 });

        // 300 requests at 100/s cannot finish before their schedule (2.99 s) and, on an idle target, not much after.
        Assert.Equal(300, report.Succeeded);
        Assert.Equal(300, server.Requests);
        Assert.True(report.Elapsed >= TimeSpan.FromSeconds(2.99), $"finished in {report.Elapsed}: faster than the schedule");
        Assert.InRange(report.Throughput, 90, 100.5);
    }

    [Fact]
    public async Task Http2_IsSpokenWhenAsked()
    {
        await using var server = await HttpEchoServer.StartAsync("h2", http2: true);

        var report = await LoadRunner.RunAsync(new LoadPlan
        {
            Target = new Uri($"http://127.0.0.1:{server.Port}/"),
            Protocol = LoadProtocol.Http2,
            Requests = 20,
            Classify = (response, _) => $"HTTP/{response.Version}",
        });

        Assert.Equal(20, report.Succeeded);
        Assert.Equal(20, report.Classes["HTTP/2.0"]);
    }

    [Fact]
    public async Task Grpc_CountsGrpcStatuses()
    {
        await using var server = await GrpcServer.StartAsync();

        var report = await LoadRunner.RunAsync(new LoadPlan
        {
            Target = new Uri($"http://127.0.0.1:{server.Port}"),
            Protocol = LoadProtocol.Grpc,
            GrpcMethod = "test.echo.Echo/Say",
            GrpcMessage = [0x0a, 0x04, (byte)'f', (byte)'a', (byte)'i', (byte)'l'], // text = "fail" every 4th call
            Requests = 40,
            Connections = 4,
        });

        Assert.Equal(40, report.Requests);
        Assert.Equal(30, report.GrpcStatuses[0]);
        Assert.Equal(10, report.GrpcStatuses[(int)StatusCode.ResourceExhausted]);
        Assert.Equal(30, report.Succeeded);
    }

    [Fact]
    public async Task Cli_RunsABoundedLoad_AndPrintsTheReport()
    {
        await using var server = await HttpEchoServer.StartAsync("cli", http2: false);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await Cli.MeshLoad.RunAsync([$"http://127.0.0.1:{server.Port}/x", "-n", "25", "-r", "50", "-H", "end-user: jason"], stdout, stderr);

        Assert.Equal(0, exit);
        Assert.Contains("25 requests in", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("status 200: 25", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("latency p50", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("open model at 50 req/s", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(25, server.Requests);
    }

    [Theory]
    [InlineData("http://10.1.2.3/", "not a loopback address")]
    [InlineData("http://127.0.0.1:1/", "needs a request count, a duration")]
    public async Task Cli_RefusesAnUnboundedOrOffMachineLoad(string url, string reason)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] args = url.StartsWith("http://10.", StringComparison.Ordinal) ? [url, "-n", "1"] : [url];

        Assert.Equal(2, await Cli.MeshLoad.RunAsync(args, stdout, stderr));
        Assert.Contains(reason, stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A real gRPC server that refuses every fourth call (when asked to fail) with RESOURCE_EXHAUSTED.</summary>
    private sealed class GrpcServer : Echo.EchoBase, IAsyncDisposable
    {
        private WebApplication _app = null!;
        private int _calls;

        public int Port { get; private set; }

        public static async Task<GrpcServer> StartAsync()
        {
            var server = new GrpcServer { Port = FreePort.Next() };
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(server);
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, server.Port, l => l.Protocols = HttpProtocols.Http2));
            server._app = builder.Build();
            server._app.MapGrpcService<GrpcServer>();
            await server._app.StartAsync();
            return server;
        }

        public override Task<SayReply> Say(SayRequest request, ServerCallContext context) =>
            request.Text == "fail" && Interlocked.Increment(ref _calls) % 4 == 0
                ? throw new RpcException(new Status(StatusCode.ResourceExhausted, "every fourth"))
                : Task.FromResult(new SayReply { Text = request.Text, ServedBy = "grpc" });

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
