using Mesh.Config.Source;

namespace Mesh.Config.Model;

/// <summary>
/// A configuration resource of one of Istio's kinds, with its metadata, where it was written, and the document
/// text it was read from (so it can be pushed or stored and still report positions in the user's file).
/// </summary>
public abstract record MeshResource
{
    public required ResourceMeta Metadata { get; init; }

    public required SourceSpan Source { get; init; }

    public ConfigDocument? Document { get; init; }

    public abstract string Kind { get; }

    public string Name => Metadata.Name;

    public string Namespace => Metadata.Namespace;

    /// <summary>The identity of the resource in a config store: <c>Kind/namespace/name</c>.</summary>
    public string Key => $"{Kind}/{Metadata.Namespace}/{Metadata.Name}";

    public override string ToString() => Key;
}
