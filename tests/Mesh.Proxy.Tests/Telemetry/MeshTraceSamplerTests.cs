using System.Diagnostics;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Telemetry;
using OpenTelemetry.Trace;

namespace Mesh.Proxy.Tests.Telemetry;

/// <summary>
/// Istio's tracing sampling at the proxy: a caller's decision is kept, a trace starting here is sampled at the
/// Telemetry percentage (deterministically by trace id), and without one as OpenTelemetry's variables say.
/// </summary>
public class MeshTraceSamplerTests
{
    private static MeshTraceSampler Sampler(double? percent, string? environmentSampler = null)
    {
        var routes = new RouteTableProvider(TimeProvider.System);
        routes.Update(new RouteTable("1", new Dictionary<string, ListenerRoutes>(), new Dictionary<string, DataPlane.Clusters.ClusterConfig>()) { TraceSampling = percent });
        return new MeshTraceSampler(routes, MeshTraceSampler.FromEnvironment(v => v == "OTEL_TRACES_SAMPLER" ? environmentSampler : null));
    }

    private static SamplingDecision Decide(MeshTraceSampler sampler, ActivityTraceId traceId, ActivityContext parent = default) =>
        sampler.ShouldSample(new SamplingParameters(parent, traceId, "span", ActivityKind.Server)).Decision;

    [Fact]
    public void ACallersDecision_IsKept_WhateverThePercentage()
    {
        var trace = ActivityTraceId.CreateRandom();
        var sampled = new ActivityContext(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var unsampled = new ActivityContext(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(Sampler(0), trace, sampled));
        Assert.Equal(SamplingDecision.Drop, Decide(Sampler(100), trace, unsampled));
    }

    [Fact]
    public void ATraceStartingHere_IsSampledAtThePercentage_ByTraceId()
    {
        var sampler = Sampler(25);
        var random = new Random(17);
        var traces = Enumerable.Range(0, 4000).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return ActivityTraceId.CreateFromBytes(bytes);
        }).ToArray();

        var sampled = traces.Count(t => Decide(sampler, t) == SamplingDecision.RecordAndSample);

        // Seeded ids, so the count is fixed; as a check on the ratio, 4000 draws at p = 0.25 have a standard deviation
        // of about 27, and 150 is more than five of them.
        Assert.InRange(sampled, 1000 - 150, 1000 + 150);
        Assert.All(traces.Take(50), t => Assert.Equal(Decide(sampler, t), Decide(Sampler(25), t)));
        Assert.Equal(SamplingDecision.Drop, Decide(Sampler(0), traces[0]));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(Sampler(100), traces[0]));
    }

    [Fact]
    public void WithoutATelemetryPercentage_TheEnvironmentDecides()
    {
        var trace = ActivityTraceId.CreateRandom();

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(Sampler(null), trace));
        Assert.Equal(SamplingDecision.Drop, Decide(Sampler(null, "parentbased_always_off"), trace));
    }
}
