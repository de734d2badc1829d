namespace Mesh.DataPlane.LoadBalancing;

/// <summary>What a pick may use: the random source and, for consistent hashing, the request's hash key.</summary>
public readonly record struct LoadBalancingContext(IRandomSource Random, string? HashKey = null);
