using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Source;
using Mesh.DataPlane.Faults;

namespace Mesh.DataPlane.Tests.Faults;

public class FaultInjectorTests
{
    private static HttpFaultInjection Fault(double delayPercent, double abortPercent, string? grpc = null) => new()
    {
        Source = SourceSpan.None,
        Delay = new FaultDelay(TimeSpan.FromSeconds(7), new Percent(delayPercent), SourceSpan.None),
        Abort = new FaultAbort(grpc is null ? 500 : null, grpc, new Percent(abortPercent), SourceSpan.None),
    };

    [Fact]
    public void Decide_SamplesDelayAndAbortIndependently()
    {
        // NextDouble draws are scripted as percent/100: the delay draw 10 (< 20) delays, the abort draw 60 (>= 50) does not abort.
        var decision = FaultInjector.Decide(Fault(20, 50), new ScriptedRandom(10, 60));

        Assert.Equal(TimeSpan.FromSeconds(7), decision.Delay);
        Assert.False(decision.Aborts);
    }

    [Fact]
    public void Decide_HundredPercent_AlwaysApplies_AndGrpcStatusIsMapped()
    {
        var decision = FaultInjector.Decide(Fault(100, 100, "UNAVAILABLE"), new ScriptedRandom(99));

        Assert.Equal(TimeSpan.FromSeconds(7), decision.Delay);
        Assert.Equal(14, decision.AbortGrpcStatus);
        Assert.Null(decision.AbortHttpStatus);
    }

    [Fact]
    public void Decide_NoFault_DecidesNothing() => Assert.Equal(FaultDecision.None, FaultInjector.Decide(null, new ScriptedRandom(0)));
}
