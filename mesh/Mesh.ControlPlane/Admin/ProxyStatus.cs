using Mesh.ControlPlane.Discovery;

namespace Mesh.ControlPlane.Admin;

/// <summary>
/// One row of <c>meshctl proxy-status</c>: SYNCED when the proxy ACKed the current version (or the last one it was sent,
/// when nothing its Sidecar lets it see changed since), NACKED when it refused it, else STALE.
/// </summary>
public sealed record ProxyStatus(
    string ProxyId,
    string Kind,
    string Workload,
    string Namespace,
    string Address,
    string AdminAddress,
    DateTimeOffset ConnectedAt,
    string? SentVersion,
    string? AckedVersion,
    string? NackedVersion,
    string? NackError,
    string Status)
{
    /// <summary>Resources the proxy left out of the version it ACKed, each with why (a certificate it cannot read, …).</summary>
    public IReadOnlyList<string> Rejected { get; init; } = [];

    /// <summary>The identity the proxy proved on its stream, or null when discovery authentication is off.</summary>
    public string? Authenticated { get; init; }

    public static ProxyStatus From(ProxyConnection connection, string? currentVersion)
    {
        // Synced: it ACKed the current version, or the last version it was sent when nothing it sees changed since.
        var status = connection.AckedVersion is not null && (connection.AckedVersion == currentVersion
                || (connection.UpToDate == currentVersion && connection.AckedVersion == connection.Sent?.Version)) ? "SYNCED"
            : connection.NackedVersion is not null && connection.NackedVersion == currentVersion ? "NACKED"
            : "STALE";
        return new ProxyStatus(connection.ProxyId, connection.Kind.ToString().ToLowerInvariant(), connection.Workload.Name,
            connection.Workload.Namespace, connection.Workload.Address, connection.AdminAddress, connection.ConnectedAt,
            connection.Sent?.Version, connection.AckedVersion, connection.NackedVersion, connection.NackError, status)
        {
            Rejected = connection.RejectedResources,
            Authenticated = connection.Authenticated,
        };
    }
}
