namespace Bookinfo.Shared;

/// <summary>The request headers every Bookinfo service copies from its inbound request onto its outbound calls.</summary>
/// <remarks>
/// Istio's sidecars emit spans themselves but cannot tie an inbound request to the outbound calls it causes; the
/// application has to carry these headers across. W3C <c>traceparent</c>/<c>tracestate</c> are absent on purpose:
/// OpenTelemetry's HttpClient and gRPC instrumentation already writes them from the current activity.
/// </remarks>
public static class PropagatedHeaders
{
    /// <summary>The signed-in user, which Istio routes on (for example <c>end-user: jason</c> to reviews v2).</summary>
    public const string EndUser = "end-user";

    public static IReadOnlyList<string> All { get; } =
    [
        EndUser,
        "x-request-id",
        "user-agent",
        "x-b3-traceid",
        "x-b3-spanid",
        "x-b3-parentspanid",
        "x-b3-sampled",
        "x-b3-flags",
        "x-ot-span-context",
        "baggage",
    ];
}
