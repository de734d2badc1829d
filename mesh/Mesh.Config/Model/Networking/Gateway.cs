using Mesh.Config.Source;

namespace Mesh.Config.Model.Networking;

// The types in this file mirror istio.io/api networking/v1 gateway.proto.

/// <summary>Istio Gateway: the ports, protocols, hosts and TLS an ingress proxy serves.</summary>
public sealed record Gateway : MeshResource
{
    public override string Kind => "Gateway";

    public WorkloadSelector Selector { get; init; } = WorkloadSelector.All;

    public IReadOnlyList<GatewayServer> Servers { get; init; } = [];
}

/// <summary>One server of a gateway: a port with its protocol, the hosts it accepts, and TLS.</summary>
public sealed record GatewayServer
{
    public required SourceSpan Source { get; init; }

    public required ServicePort Port { get; init; }

    public IReadOnlyList<string> Hosts { get; init; } = [];

    public ServerTlsSettings? Tls { get; init; }

    public string? Name { get; init; }
}

/// <summary>A port number with its name and protocol.</summary>
public sealed record ServicePort
{
    public required SourceSpan Source { get; init; }

    public required int Number { get; init; }

    public string? Name { get; init; }

    public string? Protocol { get; init; }

    public int? TargetPort { get; init; }
}

/// <summary>Server TLS modes.</summary>
public enum ServerTlsMode
{
    Passthrough,
    Simple,
    Mutual,
    AutoPassthrough,
    IstioMutual,
    OptionalMutual,
}

/// <summary>TLS a gateway server terminates.</summary>
public sealed record ServerTlsSettings
{
    public required SourceSpan Source { get; init; }

    public bool HttpsRedirect { get; init; }

    public ServerTlsMode? Mode { get; init; }

    public string? ServerCertificate { get; init; }

    public string? PrivateKey { get; init; }

    public string? CaCertificates { get; init; }

    public string? CredentialName { get; init; }

    public IReadOnlyList<string> SubjectAltNames { get; init; } = [];

    public string? MinProtocolVersion { get; init; }

    public string? MaxProtocolVersion { get; init; }
}
