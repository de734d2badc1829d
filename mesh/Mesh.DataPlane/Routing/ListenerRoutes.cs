using Mesh.Config.Registry;

namespace Mesh.DataPlane.Routing;

/// <summary>
/// The routing of one listener. Outbound listeners serve one service (the one the app addressed through this
/// port); gateway listeners choose a virtual host by the request's authority; inbound listeners go to the local app.
/// </summary>
public sealed class ListenerRoutes(string name, ListenerKind kind, int port, MeshProtocol protocol, IReadOnlyList<VirtualHost> virtualHosts)
{
    public string Name { get; } = name;

    public ListenerKind Kind { get; } = kind;

    public int Port { get; } = port;

    public MeshProtocol Protocol { get; } = protocol;

    public IReadOnlyList<VirtualHost> VirtualHosts { get; } = virtualHosts;

    /// <summary>The service an outbound listener stands for.</summary>
    public string? ServiceHost { get; init; }

    /// <summary>For gateway listeners, the Gateway servers on this port (their hosts and TLS), for certificate selection by SNI.</summary>
    public IReadOnlyList<Config.Model.Networking.GatewayServer> Servers { get; init; } = [];

    public VirtualHost? SelectVirtualHost(string authority)
    {
        if (Kind != ListenerKind.Gateway)
        {
            return VirtualHosts.Count > 0 ? VirtualHosts[0] : null;
        }

        // Most specific first: exact domains before wildcards, as Envoy orders virtual host domains.
        var host = VirtualHost.StripPort(authority);
        VirtualHost? wildcard = null;
        var wildcardLength = -1;
        foreach (var vh in VirtualHosts)
        {
            foreach (var domain in vh.Domains)
            {
                if (string.Equals(domain, host, StringComparison.OrdinalIgnoreCase))
                {
                    return vh;
                }

                if (domain.Length > wildcardLength && Hostnames.Matches(domain, host))
                {
                    (wildcard, wildcardLength) = (vh, domain.Length);
                }
            }
        }

        return wildcard;
    }
}
