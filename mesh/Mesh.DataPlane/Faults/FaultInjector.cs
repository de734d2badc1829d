using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.Faults;

/// <summary>
/// Istio's <c>fault</c>: a fixed delay and/or an abort, each for its own sampled share of requests. As in Envoy's
/// fault filter, the delay comes first, then the abort, both before the request goes upstream; an injected abort is
/// a local answer and is never retried by the same proxy.
/// </summary>
public static class FaultInjector
{
    public static FaultDecision Decide(HttpFaultInjection? fault, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (fault is null)
        {
            return FaultDecision.None;
        }

        TimeSpan? delay = fault.Delay is { } d && Sampled(d.Percentage.Value, random) ? d.FixedDelay : null;
        if (fault.Abort is { } a && Sampled(a.Percentage.Value, random))
        {
            return new FaultDecision(delay, a.HttpStatus, a.GrpcStatus is { } grpc ? GrpcStatusNames.ToCode(grpc) : null);
        }

        return new FaultDecision(delay, null, null);
    }

    private static bool Sampled(double percentage, IRandomSource random) =>
        percentage >= 100 || (percentage > 0 && random.NextDouble() * 100 < percentage);
}
