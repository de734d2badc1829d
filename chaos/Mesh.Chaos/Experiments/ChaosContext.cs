namespace Mesh.Chaos.Experiments;

/// <summary>What every action and probe of one experiment shares: its seeded random source, its clock and its log.</summary>
public sealed class ChaosContext(int seed, TimeProvider? time = null, Action<string>? log = null)
{
    public int Seed { get; } = seed;

    /// <summary>The only random source actions use, so a seed replays the same choices.</summary>
    public Random Random { get; } = new(seed);

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    public void Log(string message) => log?.Invoke(message);
}
