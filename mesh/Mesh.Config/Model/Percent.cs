namespace Mesh.Config.Model;

/// <summary>A percentage in the range 0-100, as Istio's <c>Percent { value }</c>.</summary>
public readonly record struct Percent(double Value)
{
    public static readonly Percent Hundred = new(100);

    public override string ToString() => $"{Value}%";
}
