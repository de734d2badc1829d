using Mesh.Chaos.Experiments;
using Mesh.Chaos.Network;

namespace Mesh.Chaos.Actions;

/// <summary>Adds latency at the network level through a <see cref="DelayProxy"/>; the rollback sets it back to none.</summary>
public sealed record NetworkDelay(DelayProxy Proxy, TimeSpan Delay, TimeSpan Jitter = default) : IReversibleAction
{
    public string Name => $"network delay {Delay.TotalMilliseconds} ms ± {Jitter.TotalMilliseconds} ms via {Proxy.Endpoint}";

    public Task RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        Proxy.SetDelay(Delay, Jitter);
        return Task.CompletedTask;
    }

    public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        Proxy.SetDelay(TimeSpan.Zero);
        return Task.CompletedTask;
    }
}
