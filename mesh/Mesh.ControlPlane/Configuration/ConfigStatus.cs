using Mesh.Config.Diagnostics;

namespace Mesh.ControlPlane.Configuration;

/// <summary>
/// The store's health: the revision being served, the findings on it, and, when the newest change was refused,
/// why (the last good revision keeps being served meanwhile).
/// </summary>
public sealed record ConfigStatus(
    long Revision,
    DateTimeOffset AcceptedAt,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<Finding> RejectedFindings,
    DateTimeOffset? RejectedAt,
    string? RejectedSource)
{
    public bool LastChangeRejected => RejectedAt is not null;
}
