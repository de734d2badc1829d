namespace Mesh.Cli.Admin;

/// <summary>The answer to <c>POST /api/config</c>: accepted or refused (422), the revision, and the findings.</summary>
public sealed record ApplyOutcome(bool Accepted, long Revision, IReadOnlyList<FindingView> Findings);
