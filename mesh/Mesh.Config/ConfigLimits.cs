namespace Mesh.Config;

/// <summary>
/// The bounds every piece of config is read within, so that no input can take the control plane or a proxy past a
/// fixed amount of memory or CPU. Each is reported as <c>MESH114</c> with the file and line where it was passed.
/// </summary>
/// <remarks>
/// The document bound is etcd's object limit (1.5 MiB), the most a Kubernetes custom resource can hold. The total
/// bound keeps the whole config well inside what a proxy accepts in one push (<see cref="MaxPushBytes"/>), with the
/// rest left for the registry's workloads. Nodes are counted after YAML aliases are expanded, so a small document
/// whose anchors multiply into millions of nodes is refused before anything reads them.
/// </remarks>
public sealed record ConfigLimits
{
    public static ConfigLimits Default { get; } = new();

    /// <summary>One document's size, in UTF-8 bytes (etcd's 1.5 MiB object limit).</summary>
    public int MaxDocumentBytes { get; init; } = 1536 * 1024;

    /// <summary>Every served document together, in UTF-8 bytes.</summary>
    public long MaxTotalBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>The largest message a proxy accepts from the control plane (its gRPC receive limit).</summary>
    public const int MaxPushBytes = 32 * 1024 * 1024;

    /// <summary>YAML nodes in one document, with every alias counted as the nodes it stands for.</summary>
    public int MaxNodes { get; init; } = 100_000;

    /// <summary>How deeply collections may nest in one document.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Rules in one resource (a VirtualService's <c>http</c> routes, an AuthorizationPolicy's <c>rules</c>).</summary>
    public int MaxRules { get; init; } = 1_000;

    /// <summary>Match conditions in one resource, over all its rules.</summary>
    public int MaxConditions { get; init; } = 10_000;
}
