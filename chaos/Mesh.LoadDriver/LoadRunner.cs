using System.Diagnostics;
using System.Net;

namespace Mesh.LoadDriver;

/// <summary>Runs a <see cref="LoadPlan"/> against real HTTP endpoints and reports what happened.</summary>
public static class LoadRunner
{
    public static async Task<LoadReport> RunAsync(LoadPlan plan, IProgress<LoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = plan.Connections,
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = plan.Timeout };
        var recorder = new LoadRecorder();
        var start = Stopwatch.GetTimestamp();
        using var reporting = new CancellationTokenSource();
        var reporter = progress is null ? Task.CompletedTask : ReportProgressAsync(recorder, start, progress, reporting.Token);
        try
        {
            if (plan.RatePerSecond is { } rate)
            {
                await RunOpenAsync(plan, rate, client, recorder, start, cancellationToken);
            }
            else
            {
                await RunClosedAsync(plan, client, recorder, start, cancellationToken);
            }
        }
        finally
        {
            await reporting.CancelAsync();
            await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return recorder.Report(Stopwatch.GetElapsedTime(start), plan.RatePerSecond);
    }

    /// <summary>
    /// Open model: request i is due at start + i/rate. Due requests are sent without waiting for earlier ones, so a
    /// slow target cannot slow the offered load; the timer wakes about every millisecond and sends what is due.
    /// </summary>
    private static async Task RunOpenAsync(LoadPlan plan, double rate, HttpClient client, LoadRecorder recorder, long start, CancellationToken cancellationToken)
    {
        var interval = Stopwatch.Frequency / rate;
        var inFlight = new List<Task>();
        for (long i = 0; ; i++)
        {
            var due = start + (long)(i * interval);
            if ((plan.Requests is { } count && i >= count) || (plan.Duration is { } duration && Stopwatch.GetElapsedTime(start, due) >= duration))
            {
                break;
            }

            while (Stopwatch.GetTimestamp() < due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), cancellationToken);
            }

            inFlight.Add(SendAsync(plan, client, recorder, due));
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>Closed model: each connection sends its next request as soon as the previous one is answered.</summary>
    private static async Task RunClosedAsync(LoadPlan plan, HttpClient client, LoadRecorder recorder, long start, CancellationToken cancellationToken)
    {
        long issued = 0;
        var workers = Enumerable.Range(0, plan.Connections).Select(async _ =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if ((plan.Requests is { } count && Interlocked.Increment(ref issued) > count) ||
                    (plan.Duration is { } duration && Stopwatch.GetElapsedTime(start) >= duration))
                {
                    return;
                }

                await SendAsync(plan, client, recorder, Stopwatch.GetTimestamp());
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task SendAsync(LoadPlan plan, HttpClient client, LoadRecorder recorder, long intendedStart)
    {
        await Task.Yield();
        using var request = new HttpRequestMessage(plan.Method, plan.Target)
        {
            Version = plan.HttpVersion,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = plan.Body?.Invoke(),
        };
        foreach (var (name, value) in plan.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var flags = response.Headers.TryGetValues(LoadRecorder.FlagsHeader, out var values) ? values.FirstOrDefault() : null;
            recorder.Response(intendedStart, Stopwatch.GetTimestamp(), (int)response.StatusCode, flags, plan.Classify?.Invoke(response, body));
        }
        catch (HttpRequestException e)
        {
            recorder.Error(intendedStart, Stopwatch.GetTimestamp(), e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException)
        {
            recorder.Error(intendedStart, Stopwatch.GetTimestamp(), "Timeout");
        }
    }

    private static async Task ReportProgressAsync(LoadRecorder recorder, long start, IProgress<LoadProgress> progress, CancellationToken cancellationToken)
    {
        var last = 0L;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var completed = recorder.Completed;
            progress.Report(new LoadProgress(completed, recorder.Failed, Stopwatch.GetElapsedTime(start), completed - last));
            last = completed;
        }
    }
}
