using System.Diagnostics;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Tests.Telemetry;

/// <summary>Callers that send Zipkin B3 headers join the W3C trace; a traceparent, when present, wins.</summary>
public class B3PropagatorTests
{
    private static readonly B3Propagator Propagator = new(DistributedContextPropagator.CreateDefaultPropagator());

    private static string? TraceParent(Dictionary<string, string> headers)
    {
        Propagator.ExtractTraceIdAndState(headers, (carrier, name, out value, out values) =>
        {
            values = null;
            value = ((Dictionary<string, string>)carrier!).GetValueOrDefault(name);
        }, out var traceParent, out _);
        return traceParent;
    }

    [Fact]
    public void MultiHeaderB3_BecomesATraceParent() => Assert.Equal(
        "00-0000000000000000463ac35c9f6413ad-a2fb4a1d1a96d312-01",
        TraceParent(new() { ["x-b3-traceid"] = "463ac35c9f6413ad", ["x-b3-spanid"] = "a2fb4a1d1a96d312", ["x-b3-sampled"] = "1" }));

    [Fact]
    public void SingleHeaderB3_KeepsTheSamplingDecision() => Assert.Equal(
        "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-00",
        TraceParent(new() { ["b3"] = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0" }));

    [Fact]
    public void TraceParent_WinsOverB3() => Assert.Equal(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        TraceParent(new()
        {
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["x-b3-traceid"] = "463ac35c9f6413ad", ["x-b3-spanid"] = "a2fb4a1d1a96d312",
        }));

    [Theory]
    [InlineData("not-hex-at-all!!", "a2fb4a1d1a96d312")]
    [InlineData("463ac35c9f6413ad", "short")]
    public void MalformedB3_IsIgnored(string traceId, string spanId) =>
        Assert.Null(TraceParent(new() { ["x-b3-traceid"] = traceId, ["x-b3-spanid"] = spanId }));
}
