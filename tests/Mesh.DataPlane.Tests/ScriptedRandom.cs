namespace Mesh.DataPlane.Tests;

/// <summary>A random source that returns the values a test scripts, in order, so weights and picks are checked exactly.</summary>
public sealed class ScriptedRandom(params int[] draws) : IRandomSource
{
    private int _next;

    public List<int> Bounds { get; } = [];

    public int Next(int maxExclusive)
    {
        Bounds.Add(maxExclusive);
        var value = draws[_next++ % draws.Length];
        Assert.InRange(value, 0, maxExclusive - 1);
        return value;
    }

    public double NextDouble() => draws[_next++ % draws.Length] / 100.0;
}
