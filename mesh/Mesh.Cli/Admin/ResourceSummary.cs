namespace Mesh.Cli.Admin;

/// <summary>One row of <c>GET /api/config</c>.</summary>
public sealed record ResourceSummary(string Kind, string Namespace, string Name, string Source);
