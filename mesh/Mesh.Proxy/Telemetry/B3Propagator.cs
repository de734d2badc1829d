using System.Diagnostics;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// W3C trace context first, and Zipkin's B3 headers when a request carries no <c>traceparent</c>, so callers that
/// still speak B3 (<c>x-b3-traceid</c>/<c>x-b3-spanid</c>/<c>x-b3-sampled</c>, or the single <c>b3</c> header) join the
/// same trace. Outgoing requests carry W3C headers.
/// </summary>
public sealed class B3Propagator(DistributedContextPropagator w3c) : DistributedContextPropagator
{
    public override IReadOnlyCollection<string> Fields { get; } = [.. w3c.Fields, "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "b3"];

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) => w3c.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        w3c.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
        if (traceId is null && getter is not null && FromB3(carrier, getter) is { } traceparent)
        {
            traceId = traceparent;
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        w3c.ExtractBaggage(carrier, getter);

    /// <summary>A traceparent built from B3 headers, or null when they are absent or malformed.</summary>
    public static string? FromB3(object? carrier, PropagatorGetterCallback getter)
    {
        string? Get(string name)
        {
            getter(carrier, name, out var value, out _);
            return value;
        }

        string? traceId, spanId, sampled;
        if (Get("b3") is { Length: > 0 } single)
        {
            var parts = single.Split('-');
            (traceId, spanId, sampled) = (parts.ElementAtOrDefault(0), parts.ElementAtOrDefault(1), parts.ElementAtOrDefault(2));
        }
        else
        {
            (traceId, spanId, sampled) = (Get("x-b3-traceid"), Get("x-b3-spanid"), Get("x-b3-sampled"));
        }

        if (traceId is not { Length: 16 or 32 } || spanId is not { Length: 16 } || !IsHex(traceId) || !IsHex(spanId))
        {
            return null;
        }

        var flags = sampled is "0" ? "00" : "01";
        return $"00-{traceId.PadLeft(32, '0').ToLowerInvariant()}-{spanId.ToLowerInvariant()}-{flags}";
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigit);
}
