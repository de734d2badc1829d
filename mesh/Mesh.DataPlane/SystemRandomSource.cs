namespace Mesh.DataPlane;

/// <summary>The production random source: thread-safe, or seeded and deterministic for simulations and tests.</summary>
public sealed class SystemRandomSource(int? seed = null) : IRandomSource
{
    private readonly Random _random = seed is { } s ? new Random(s) : Random.Shared;
    private readonly Lock _lock = new();

    public static SystemRandomSource Shared { get; } = new();

    public int Next(int maxExclusive)
    {
        if (seed is null)
        {
            return _random.Next(maxExclusive);
        }

        lock (_lock)
        {
            return _random.Next(maxExclusive);
        }
    }

    public double NextDouble()
    {
        if (seed is null)
        {
            return _random.NextDouble();
        }

        lock (_lock)
        {
            return _random.NextDouble();
        }
    }
}
