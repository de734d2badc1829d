namespace Mesh.Config.Model;

/// <summary>Kubernetes-style object metadata: name, namespace (default <c>default</c>), labels and annotations.</summary>
public sealed record ResourceMeta
{
    public const string DefaultNamespace = "default";

    public required string Name { get; init; }

    public string Namespace { get; init; } = DefaultNamespace;

    public required string ApiVersion { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}
