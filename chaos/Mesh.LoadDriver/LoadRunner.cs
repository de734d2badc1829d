namespace Mesh.LoadDriver;

/// <summary>Runs a <see cref="LoadPlan"/> and reports what happened.</summary>
public static class LoadRunner
{
    /// <summary>Runs a plan against the real endpoint it names.</summary>
    public static async Task<LoadReport> RunAsync(LoadPlan plan, IProgress<LoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        await using var target = LoadTargets.For(plan);
        return await RunAsync(plan, target, TimeProvider.System, progress, cancellationToken);
    }

    /// <summary>Runs a plan against any target, on any clock (tests drive both).</summary>
    public static async Task<LoadReport> RunAsync(LoadPlan plan, ILoadTarget target, TimeProvider time, IProgress<LoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(time);
        var recorder = new LoadRecorder(time);
        var start = time.GetTimestamp();
        using var reporting = new CancellationTokenSource();
        var reporter = progress is null ? Task.CompletedTask : ReportProgressAsync(recorder, time, start, progress, reporting.Token);
        try
        {
            if (plan.RatePerSecond is { } rate)
            {
                await RunOpenAsync(plan, rate, target, time, recorder, start, cancellationToken);
            }
            else
            {
                await RunClosedAsync(plan, target, time, recorder, start, cancellationToken);
            }
        }
        finally
        {
            await reporting.CancelAsync();
            await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return recorder.Report(time.GetElapsedTime(start), plan.RatePerSecond);
    }

    /// <summary>
    /// Open model: request i is due at start + i/rate. Due requests are sent without waiting for earlier ones, so a
    /// slow target cannot slow the offered load; when the driver falls behind, it sends what is overdue at once, and
    /// each request's latency still counts from when it was due.
    /// </summary>
    private static async Task RunOpenAsync(LoadPlan plan, double rate, ILoadTarget target, TimeProvider time, LoadRecorder recorder, long start, CancellationToken cancellationToken)
    {
        var interval = time.TimestampFrequency / rate;
        var inFlight = new List<Task>();
        for (long i = 0; ; i++)
        {
            var due = start + (long)Math.Round(i * interval);
            if ((plan.Requests is { } count && i >= count) || (plan.Duration is { } duration && time.GetElapsedTime(start, due) >= duration))
            {
                break;
            }

            for (var now = time.GetTimestamp(); now < due; now = time.GetTimestamp())
            {
                await Task.Delay(time.GetElapsedTime(now, due), time, cancellationToken);
            }

            inFlight.Add(SendAsync(target, time, recorder, due, cancellationToken));
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>Closed model: each connection sends its next request as soon as the previous one is answered.</summary>
    private static async Task RunClosedAsync(LoadPlan plan, ILoadTarget target, TimeProvider time, LoadRecorder recorder, long start, CancellationToken cancellationToken)
    {
        long issued = 0;
        var workers = Enumerable.Range(0, plan.Connections).Select(async _ =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if ((plan.Requests is { } count && Interlocked.Increment(ref issued) > count) ||
                    (plan.Duration is { } duration && time.GetElapsedTime(start) >= duration))
                {
                    return;
                }

                await SendAsync(target, time, recorder, time.GetTimestamp(), cancellationToken);
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task SendAsync(ILoadTarget target, TimeProvider time, LoadRecorder recorder, long intendedStart, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var sent = time.GetTimestamp();
        recorder.Sent(intendedStart, sent);
        LoadOutcome outcome;
        try
        {
            outcome = await target.SendAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = LoadOutcome.Failed("Cancelled");
        }

        recorder.Record(intendedStart, sent, time.GetTimestamp(), outcome);
    }

    private static async Task ReportProgressAsync(LoadRecorder recorder, TimeProvider time, long start, IProgress<LoadProgress> progress, CancellationToken cancellationToken)
    {
        var last = 0L;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var completed = recorder.Completed;
            progress.Report(new LoadProgress(completed, recorder.Failed, time.GetElapsedTime(start), completed - last));
            last = completed;
        }
    }
}
