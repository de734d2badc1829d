using Mesh.Config.Source;

namespace Mesh.Config.Model.Networking;

/// <summary>Istio Sidecar: scopes which hosts a workload's proxy can reach (its egress listeners).</summary>
public sealed record Sidecar : MeshResource
{
    public override string Kind => "Sidecar";

    public WorkloadSelector? WorkloadSelector { get; init; }

    public IReadOnlyList<SidecarEgress> Egress { get; init; } = [];

    public OutboundTrafficPolicyMode? OutboundTrafficPolicy { get; init; }
}

/// <summary>An egress listener: the hosts, as <c>namespace/dnsName</c>, it may reach.</summary>
public sealed record SidecarEgress
{
    public required SourceSpan Source { get; init; }

    public ServicePort? Port { get; init; }

    public IReadOnlyList<string> Hosts { get; init; } = [];
}

/// <summary>Whether unknown outbound destinations are allowed.</summary>
public enum OutboundTrafficPolicyMode
{
    RegistryOnly,
    AllowAny,
}
