using Mesh.ControlPlane.Discovery;

namespace Mesh.ControlPlane.Admin;

/// <summary>One row of <c>meshctl proxy-status</c>: SYNCED when the proxy ACKed the current version, NACKED when it refused it, else STALE.</summary>
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
    public static ProxyStatus From(ProxyConnection connection, string? currentVersion)
    {
        var status = connection.AckedVersion is not null && connection.AckedVersion == currentVersion ? "SYNCED"
            : connection.NackedVersion is not null && connection.NackedVersion == currentVersion ? "NACKED"
            : "STALE";
        return new ProxyStatus(connection.ProxyId, connection.Kind.ToString().ToLowerInvariant(), connection.Workload.Name,
            connection.Workload.Namespace, connection.Workload.Address, connection.AdminAddress, connection.ConnectedAt,
            connection.Sent?.Version, connection.AckedVersion, connection.NackedVersion, connection.NackError, status);
    }
}
