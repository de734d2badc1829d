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
            Add(new BoundListener(Parse(inbound.Listen), RouteTable.InboundKey(inbound.ServicePort), ListenerKind.Inbound, MeshProtocol.Http2));
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
    }

    public IEnumerable<BoundListener> Listeners => _byPort.Values;

    public BoundListener? ForPort(int localPort) => _byPort.GetValueOrDefault(localPort);

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
public sealed record BoundListener(IPEndPoint EndPoint, string Key, ListenerKind Kind, MeshProtocol Protocol);
