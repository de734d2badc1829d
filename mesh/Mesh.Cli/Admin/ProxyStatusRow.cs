namespace Mesh.Cli.Admin;

/// <summary>One row of <c>GET /api/proxies</c>.</summary>
public sealed record ProxyStatusRow(
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
    string Status);
