namespace Mesh.Cli.Admin;

/// <summary>The answer to <c>DELETE /api/config/{kind}/{ns}/{name}</c>; <see cref="Found"/> is false on 404.</summary>
public sealed record DeleteOutcome(bool Found, bool Deleted, IReadOnlyList<FindingView> Findings);
