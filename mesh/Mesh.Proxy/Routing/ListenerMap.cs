using System.Net;
using Mesh.Config.Registry;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Configuration;

namespace Mesh.Proxy.Routing;

/// <summary>
/// The ports this proxy binds and what each stands for, fixed at start from the bootstrap: which listener of the
/// route table serves a request is decided by the local port it arrived on.
/// </summary>
public sealed class ListenerMap
{
    private readonly Dictionary<int, BoundListener> _byPort = [];

    public ListenerMap(ProxyOptions options)
    {
        foreach (var inbound in options.Inbound)
        {
            Add(new BoundListener(Parse(inbound.Listen), RouteTable.InboundKey(inbound.ServicePort), ListenerKind.Inbound, MeshProtocol.Http2) { ServicePort = inbound.ServicePort });
        }

        foreach (var outbound in options.Outbound)
        {
            var host = Hostnames.Qualify(outbound.Service, options.Workload.Namespace);
            Add(new BoundListener(Parse(outbound.Listen), RouteTable.OutboundKey(host, outbound.Port), ListenerKind.Outbound, outbound.Protocol));
        }

        foreach (var listen in options.GatewayListen)
        {
            var endpoint = Parse(listen);
            Add(new BoundListener(endpoint, RouteTable.GatewayKey(endpoint.Port), ListenerKind.Gateway, MeshProtocol.Http));
        }

        foreach (var listen in options.GatewayTlsListen)
        {
            var endpoint = Parse(listen);
            Add(new BoundListener(endpoint, RouteTable.GatewayKey(endpoint.Port), ListenerKind.Gateway, MeshProtocol.Http) { Tls = true });
        }
    }

    public IEnumerable<BoundListener> Listeners => _byPort.Values;

    public BoundListener? ForPort(int localPort) => _byPort.GetValueOrDefault(localPort);

    /// <summary>The listener a connection came in on: tagged on the connection (Unix sockets too), else found by port.</summary>
    public BoundListener? For(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var tagged) == true && tagged is BoundListener listener
            ? listener
            : ForPort(context.Connection.LocalPort);

    public const string ItemKey = "mesh.listener";

    public static IPEndPoint Parse(string address)
    {
        if (!IPEndPoint.TryParse(address, out var endpoint) || endpoint.Port == 0)
        {
            throw new InvalidOperationException($"'{address}' is not an address with a port, e.g. 127.0.0.1:15001");
        }

        return endpoint;
    }

    private void Add(BoundListener listener)
    {
        if (!_byPort.TryAdd(listener.EndPoint.Port, listener))
        {
            throw new InvalidOperationException($"port {listener.EndPoint.Port} is bound twice ({_byPort[listener.EndPoint.Port].Key} and {listener.Key})");
        }
    }
}

/// <summary>One bound port: its address, the route-table listener it serves, and the protocol clients speak to it.</summary>
public sealed record BoundListener(IPEndPoint EndPoint, string Key, ListenerKind Kind, MeshProtocol Protocol)
{
    /// <summary>For inbound listeners, the service port (whose PeerAuthentication mode applies).</summary>
    public int ServicePort { get; init; }

    /// <summary>True for the proxy's internal plaintext side of an mTLS inbound port (PERMISSIVE traffic).</summary>
    public bool Plaintext { get; init; }

    /// <summary>True for a gateway port that terminates TLS.</summary>
    public bool Tls { get; init; }
}
