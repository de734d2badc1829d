namespace Mesh.DataPlane;

/// <summary>Randomness the policies draw on, injectable so that weights and sampling can be checked exactly.</summary>
public interface IRandomSource
{
    /// <summary>A uniform integer in [0, maxExclusive).</summary>
    int Next(int maxExclusive);

    /// <summary>A uniform double in [0, 1).</summary>
    double NextDouble();
}
