namespace Mesh.DataPlane.Routing;

/// <summary>A cluster that gets a fire-and-forget copy of a share of the route's requests.</summary>
public sealed record MirrorTarget(string Cluster, double Percentage);
