using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;

namespace Mesh.DataPlane.Clusters;

/// <summary>
/// A group of endpoints traffic is balanced over, named as Istio names Envoy clusters:
/// <c>outbound|9080|v1|reviews.default.svc.cluster.local</c> or <c>inbound|9080||</c>.
/// </summary>
public sealed record ClusterConfig
{
    public required string Name { get; init; }

    public required string Host { get; init; }

    public required int Port { get; init; }

    public string? Subset { get; init; }

    public MeshProtocol Protocol { get; init; } = MeshProtocol.Http;

    public IReadOnlyList<ClusterEndpoint> Endpoints { get; init; } = [];

    /// <summary>The effective policy: the DestinationRule's, overridden by the subset's and then by port-level settings.</summary>
    public TrafficPolicy? Policy { get; init; }

    public bool IsInbound { get; init; }

    public static string OutboundName(int port, string? subset, string host) => $"outbound|{port}|{subset}|{host}";

    public static string InboundName(int port) => $"inbound|{port}||";
}
