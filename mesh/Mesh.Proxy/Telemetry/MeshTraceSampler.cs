using System.Diagnostics;
using System.Globalization;
using Mesh.Proxy.Routing;
using OpenTelemetry.Trace;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// The proxy's trace sampler, as Envoy samples under Istio: a request that arrives inside a trace keeps its caller's
/// decision; one that starts a trace here is sampled at the percentage of the Telemetry resource that applies
/// (<c>tracing[].randomSamplingPercentage</c>), or, with none, as <c>OTEL_TRACES_SAMPLER</c> says (every request by
/// default). The decision follows the trace id, so every proxy a trace crosses decides alike.
/// </summary>
public sealed class MeshTraceSampler(RouteTableProvider routes, Sampler fallback) : Sampler
{
    private static readonly SamplingResult Sample = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Skip = new(SamplingDecision.Drop);

    private volatile Ratio? _ratio;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId != default)
        {
            return (samplingParameters.ParentContext.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Sample : Skip;
        }

        if (routes.Current.TraceSampling is not { } percent)
        {
            return fallback.ShouldSample(samplingParameters);
        }

        var ratio = _ratio;
        if (ratio is null || ratio.Percent != percent)
        {
            ratio = new Ratio(percent, new TraceIdRatioBasedSampler(percent / 100));
            _ratio = ratio;
        }

        return ratio.Sampler.ShouldSample(samplingParameters);
    }

    private sealed record Ratio(double Percent, Sampler Sampler);

    /// <summary>The root sampler OpenTelemetry's variables name (<c>OTEL_TRACES_SAMPLER</c>, <c>OTEL_TRACES_SAMPLER_ARG</c>).</summary>
    public static Sampler FromEnvironment(Func<string, string?> variable)
    {
        var ratio = double.TryParse(variable("OTEL_TRACES_SAMPLER_ARG"), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : 1;
        return variable("OTEL_TRACES_SAMPLER")?.Trim().ToLowerInvariant() switch
        {
            "always_off" or "parentbased_always_off" => new AlwaysOffSampler(),
            "traceidratio" or "parentbased_traceidratio" => new TraceIdRatioBasedSampler(ratio),
            _ => new AlwaysOnSampler(),
        };
    }
}
