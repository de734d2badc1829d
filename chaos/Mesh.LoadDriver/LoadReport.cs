using System.Globalization;
using System.Text;
using HdrHistogram;

namespace Mesh.LoadDriver;

/// <summary>What a run measured: counts, throughput, latency percentiles, status codes, response flags and errors.</summary>
public sealed class LoadReport
{
    internal LoadReport(LongHistogram latency, LongHistogram sendLag, LongHistogram serviceTime, long requests, long errors, TimeSpan elapsed, IReadOnlyDictionary<int, long> statusCodes,
        IReadOnlyDictionary<int, long> grpcStatuses, IReadOnlyDictionary<string, long> responseFlags, IReadOnlyDictionary<string, long> errorsByKind,
        IReadOnlyDictionary<string, long> classes, double? targetRate)
    {
        Latency = latency;
        SendLag = sendLag;
        ServiceTime = serviceTime;
        GrpcStatuses = grpcStatuses;
        Requests = requests;
        Errors = errors;
        Elapsed = elapsed;
        StatusCodes = statusCodes;
        ResponseFlags = responseFlags;
        ErrorsByKind = errorsByKind;
        Classes = classes;
        TargetRate = targetRate;
    }

    /// <summary>Latency in microseconds, from each request's intended start in the open model.</summary>
    public LongHistogram Latency { get; }

    /// <summary>How late each request went out after it was due (microseconds): near zero when the driver held its schedule.</summary>
    public LongHistogram SendLag { get; }

    /// <summary>
    /// From when each request actually went out to its answer (microseconds): what the target itself took, without
    /// the driver's own lateness. This, not <see cref="Latency"/>, is what a proxy's own duration metric can agree with.
    /// </summary>
    public LongHistogram ServiceTime { get; }

    /// <summary>A percentile (0–100) of <see cref="ServiceTime"/>.</summary>
    public TimeSpan ServiceTimePercentile(double percentile) => TimeSpan.FromMicroseconds(ServiceTime.TotalCount == 0 ? 0 : ServiceTime.GetValueAtPercentile(percentile));

    public long Requests { get; }

    /// <summary>Requests that failed at the transport (no HTTP status).</summary>
    public long Errors { get; }

    public TimeSpan Elapsed { get; }

    public IReadOnlyDictionary<int, long> StatusCodes { get; }

    /// <summary>gRPC statuses (0 = OK), for gRPC loads.</summary>
    public IReadOnlyDictionary<int, long> GrpcStatuses { get; }

    public IReadOnlyDictionary<string, long> ResponseFlags { get; }

    public IReadOnlyDictionary<string, long> ErrorsByKind { get; }

    public IReadOnlyDictionary<string, long> Classes { get; }

    public double? TargetRate { get; }

    public double Throughput => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>Requests answered with a 2xx or 3xx status (and, for gRPC, status OK).</summary>
    public long Succeeded => GrpcStatuses.Count > 0
        ? GrpcStatuses.GetValueOrDefault(0)
        : StatusCodes.Where(s => s.Key is >= 200 and < 400).Sum(s => s.Value);

    public double SuccessPercent => Requests == 0 ? 0 : 100.0 * Succeeded / Requests;

    public TimeSpan Percentile(double percentile) => TimeSpan.FromMicroseconds(Latency.TotalCount == 0 ? 0 : Latency.GetValueAtPercentile(percentile));

    public TimeSpan Max => TimeSpan.FromMicroseconds(Latency.TotalCount == 0 ? 0 : HistogramExtensions.GetMaxValue(Latency));

    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"{Requests} requests in {Elapsed.TotalSeconds:0.00} s, {Throughput:0.0} req/s");
        text.Append(TargetRate is { } rate ? string.Create(c, $" (target {rate:0.#} req/s)\n") : "\n");
        text.Append(c, $"latency p50 {Ms(Percentile(50))}  p90 {Ms(Percentile(90))}  p99 {Ms(Percentile(99))}  p99.9 {Ms(Percentile(99.9))}  max {Ms(Max)}\n");
        text.Append(c, $"service p50 {Ms(ServiceTimePercentile(50))}  p99 {Ms(ServiceTimePercentile(99))} (from each actual send)\n");
        text.Append("status ").AppendJoin("  ", StatusCodes.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")).Append('\n');
        if (GrpcStatuses.Count > 0)
        {
            text.Append("grpc   ").AppendJoin("  ", GrpcStatuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")).Append('\n');
        }

        if (ResponseFlags.Count > 0)
        {
            text.Append("flags  ").AppendJoin("  ", ResponseFlags.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")).Append('\n');
        }

        if (ErrorsByKind.Count > 0)
        {
            text.Append("errors ").AppendJoin("  ", ErrorsByKind.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")).Append('\n');
        }

        if (Classes.Count > 0)
        {
            text.Append("by     ").AppendJoin("  ", Classes.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")).Append('\n');
        }

        if (TargetRate is not null)
        {
            text.Append(c, $"sent late by p99 {Ms(TimeSpan.FromMicroseconds(SendLag.TotalCount == 0 ? 0 : SendLag.GetValueAtPercentile(99)))} (the driver's own schedule error)\n");
        }

        return text.ToString();
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms";
}
