using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Grpc.Net.Client;

namespace Mesh.Benchmarks.Scale;

/// <summary>The control plane's figures at one size: how long N proxies take to connect, one change's and a churn's convergence, its CPU and memory.</summary>
public sealed record ScaleResult(
    int Proxies, double ConnectSeconds, Percentiles Single, Percentiles Churn, int ChurnChanges,
    double PushesPerProxyInChurn, double ConnectCpuSeconds, double ChurnCpuSeconds, double RssMegabytes, double PeakRssMegabytes, int Unconverged, int Reconnects)
{
    /// <summary>Whether each namespace had a Sidecar limiting its proxies to their own namespace (and the changed one's).</summary>
    public bool Scoped { get; init; }
}

public sealed record Percentiles(double P50, double P99, double Max)
{
    public static Percentiles Of(double[] sorted)
    {
        var known = sorted.Where(double.IsFinite).ToArray();
        return known.Length == 0
            ? new Percentiles(double.NaN, double.NaN, double.NaN)
            : new Percentiles(At(known, 0.50), At(known, 0.99), known[^1]);
    }

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

/// <summary>
/// The control-plane scale simulation: a real control-plane process and, in this process, N simulated proxies, each a
/// real gRPC stream on its own connection that registers a workload (so the registry grows to N) and ACKs pushes. Then one
/// VirtualService change, then a change every 100 ms for the churn duration; convergence is measured per proxy from
/// just before the change was posted to the ACK of a snapshot holding it.
/// </summary>
public static class ScaleSimulation
{
    private const int Discovery = 19610, Admin = 19614;

    /// <param name="scoped">Give every namespace a Sidecar with egress <c>./*</c> and <c>bench/*</c>: each proxy then sees
    /// its namespace's 100 workloads and the changed VirtualService, and a registration is pushed only to its namespace.</param>
    public static async Task<ScaleResult> RunAsync(int proxies, TimeSpan churn, TextWriter log, bool scoped = false)
    {
        var changes = 1 + (int)(churn / TimeSpan.FromMilliseconds(100));
        var work = Directory.CreateTempSubdirectory("mesh-scale-").FullName;
        // Every simulated proxy proves its identity with a service-account token, as real sidecars do.
        var tokenKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await File.WriteAllTextAsync(Path.Combine(work, "churn.yaml"), ChurnService(0) + "\n---\n" + Subsets);
        if (scoped)
        {
            await File.WriteAllTextAsync(Path.Combine(work, "sidecars.yaml"), string.Join("\n---\n", Enumerable.Range(0, (proxies + 99) / 100).Select(SidecarFor)));
        }

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "mesh-controlplane.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ControlPlane__ConfigDirectory"] = work,
                ["ControlPlane__GrpcListen"] = $"127.0.0.1:{Discovery}",
                ["ControlPlane__HttpListen"] = $"127.0.0.1:{Admin}",
                ["ControlPlane__TokenKey"] = Convert.ToBase64String(tokenKey),
                ["ControlPlane__OperatorCredentialsFile"] = Path.Combine(work, "operator-credentials.json"),
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };

        // MESH_SCALE_CP_X=v sets X=v for the control plane only (runtime knobs such as DOTNET_GCHeapHardLimit, to compare).
        foreach (var (key, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => ((string)e.Key, (string?)e.Value)))
        {
            if (key.StartsWith("MESH_SCALE_CP_", StringComparison.Ordinal))
            {
                start.Environment[key["MESH_SCALE_CP_".Length..]] = value;
            }
        }

        using var controlPlane = Process.Start(start)!;
        var output = Path.Combine(Path.GetTempPath(), $"mesh-scale-{proxies}-controlplane.log");
        _ = Task.Run(async () => await File.WriteAllTextAsync(output, await controlPlane.StandardOutput.ReadToEndAsync()));
        var errors = controlPlane.StandardError.ReadToEndAsync();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Admin}/"), Timeout = TimeSpan.FromSeconds(30) };
        var credentials = Path.Combine(work, "operator-credentials.json");
        using var stop = new CancellationTokenSource();
        var channels = new List<GrpcChannel>();
        try
        {
            await WaitForAdminAsync(admin, controlPlane);
            admin.DefaultRequestHeaders.Authorization = new("Bearer", Mesh.Security.OperatorCredential.Read(credentials)!.Token);
            var convergence = new ConvergenceLog(proxies, changes);
            var simulated = new List<SimulatedProxy>();
            for (var i = 0; i < proxies; i++)
            {
                // One connection per proxy, as real sidecars have.
                var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Discovery}", new GrpcChannelOptions
                {
                    HttpHandler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(30) },
                    MaxReceiveMessageSize = null,
                });
                channels.Add(channel);
                simulated.Add(new SimulatedProxy(i, channel, convergence, tokenKey));
            }

            var cpuStart = ProcessStats.CpuSeconds(controlPlane.Id);
            var watch = Stopwatch.StartNew();
            var running = simulated.Select(p => Task.Run(() => p.RunAsync(stop.Token))).ToArray();
            await WaitAsync(Task.WhenAll(simulated.Select(p => p.Connected)), running, TimeSpan.FromMinutes(5), "every proxy connected");
            var connectSeconds = watch.Elapsed.TotalSeconds;
            log.WriteLine($"scale {proxies}{(scoped ? " scoped" : "")}: all connected in {connectSeconds:0.00} s");
            await QuietAsync(admin, proxies, running);
            var connectCpu = ProcessStats.CpuSeconds(controlPlane.Id) - cpuStart;
            var rss = ProcessStats.RssMegabytes(controlPlane.Id);

            await ChangeAsync(admin, convergence, 1);
            await WaitAsync(UntilAsync(() => simulated.All(p => p.Marker >= 1)), running, TimeSpan.FromMinutes(2), "the change reached every proxy");
            var single = Percentiles.Of(convergence.Times(1, 1));
            log.WriteLine($"scale {proxies}: one change converged, p99 {single.P99:0.000} s");

            var pushesBefore = simulated.Sum(p => (long)p.Pushes);
            var churnCpu = ProcessStats.CpuSeconds(controlPlane.Id);
            using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
            {
                for (var marker = 2; marker <= changes; marker++)
                {
                    await ChangeAsync(admin, convergence, marker);
                    await timer.WaitForNextTickAsync();
                }
            }

            await WaitAsync(UntilAsync(() => simulated.All(p => p.Marker >= changes)), running, TimeSpan.FromMinutes(2), "the churn reached every proxy");
            churnCpu = ProcessStats.CpuSeconds(controlPlane.Id) - churnCpu;
            var churned = Percentiles.Of(convergence.Times(2, changes));
            log.WriteLine($"scale {proxies}: churn converged, p99 {churned.P99:0.000} s");
            var unconverged = convergence.Times(1, changes).Count(double.IsNaN);
            return new ScaleResult(proxies, connectSeconds, single, churned, changes - 1,
                (simulated.Sum(p => (long)p.Pushes) - pushesBefore) / (double)proxies, connectCpu, churnCpu, rss, PeakRss(controlPlane.Id), unconverged,
                simulated.Sum(p => p.Reconnects)) { Scoped = scoped };
        }
        catch (Exception e) when (controlPlane.HasExited)
        {
            throw new InvalidOperationException($"the control plane exited ({controlPlane.ExitCode}): {await errors} (its log: {output})", e);
        }
        finally
        {
            await stop.CancelAsync();
            if (!controlPlane.HasExited)
            {
                controlPlane.Kill(entireProcessTree: true);
                await controlPlane.WaitForExitAsync();
            }

            foreach (var channel in channels)
            {
                channel.Dispose();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The pushes that registering N workloads caused are over: the control plane reports every proxy SYNCED (which
    /// counts scoped proxies that skipped versions they do not need), twice, a second apart.
    /// </summary>
    private static async Task QuietAsync(HttpClient admin, int proxies, Task[] running)
    {
        var deadline = Stopwatch.StartNew();
        var synced = (Stopwatch?)null;
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            using var rows = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("api/proxies"));
            var all = rows.RootElement.GetArrayLength() == proxies
                && rows.RootElement.EnumerateArray().All(r => r.GetProperty("status").GetString() == "SYNCED");
            if (!all)
            {
                synced = null;
            }
            else if (synced is null)
            {
                synced = Stopwatch.StartNew();
            }
            else if (synced.Elapsed >= TimeSpan.FromSeconds(1))
            {
                return;
            }

            ThrowIfFailed(running);
            await Task.Delay(250);
        }

        throw new TimeoutException("the registration pushes did not settle within 2 minutes");
    }

    private static async Task ChangeAsync(HttpClient admin, ConvergenceLog log, int marker)
    {
        using var body = new StringContent(ChurnService(marker), System.Text.Encoding.UTF8, "application/yaml");
        body.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        log.Made(marker);
        using var response = await admin.PostAsync("api/config", body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the control plane refused change {marker}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(5);
        }
    }

    private static async Task WaitAsync(Task condition, Task[] running, TimeSpan limit, string what)
    {
        var timeout = Task.Delay(limit);
        while (!condition.IsCompleted)
        {
            ThrowIfFailed(running);
            if (await Task.WhenAny(condition, timeout, Task.Delay(500)) == timeout)
            {
                throw new TimeoutException($"not {what} within {limit.TotalSeconds:0} s");
            }
        }

        await condition;
    }

    private static void ThrowIfFailed(Task[] running)
    {
        if (running.FirstOrDefault(t => t.IsFaulted) is { } failed)
        {
            throw new InvalidOperationException("a simulated proxy's stream failed", failed.Exception);
        }
    }

    private static async Task WaitForAdminAsync(HttpClient admin, Process controlPlane)
    {
        for (var attempt = 0; attempt < 300 && !controlPlane.HasExited; attempt++)
        {
            try
            {
                using var response = await admin.GetAsync("health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the control plane's admin API did not answer");
    }

    private static double PeakRss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static string SidecarFor(int ns) => $$"""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata:
          name: default
          namespace: ns-{{ns}}
        spec:
          egress:
          - hosts: ["./*", "bench/*"]
        """;

    private const string Subsets = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: churn
          namespace: bench
        spec:
          host: svc-0.ns-0.svc.cluster.local
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        """;

    /// <summary>The VirtualService the simulation changes: its weights move and its label carries the change's number.</summary>
    private static string ChurnService(int marker) => $$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: churn
          namespace: bench
          labels:
            {{PushHeader.ChurnLabel}}{{marker}}"
        spec:
          hosts: [svc-0.ns-0.svc.cluster.local]
          http:
          - route:
            - destination: {host: svc-0.ns-0.svc.cluster.local, subset: v1}
              weight: {{50 + (marker % 50)}}
            - destination: {host: svc-0.ns-0.svc.cluster.local, subset: v2}
              weight: {{50 - (marker % 50)}}
        """;
}
