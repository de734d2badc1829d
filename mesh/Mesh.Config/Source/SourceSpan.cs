namespace Mesh.Config.Source;

/// <summary>Where a node of configuration came from: file, 1-based line and column.</summary>
public sealed record SourceSpan(string File, int Line, int Column)
{
    public static readonly SourceSpan None = new("<none>", 0, 0);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
