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
    private readonly Dictionary<int, BoundListener> _capturedInbound = [];
    private readonly string _namespace;

    public ListenerMap(ProxyOptions options)
    {
        _namespace = options.Workload.Namespace;
        var inboundCapture = string.IsNullOrEmpty(options.InboundCapture) ? null : Parse(options.InboundCapture);
        foreach (var inbound in options.Inbound)
        {
            if (inboundCapture is not null && string.IsNullOrEmpty(inbound.Listen))
            {
                _capturedInbound[inbound.ServicePort] = new BoundListener(inboundCapture, RouteTable.InboundKey(inbound.ServicePort), ListenerKind.Inbound, MeshProtocol.Http)
                {
                    ServicePort = inbound.ServicePort,
                };
                continue;
            }

            Add(new BoundListener(Parse(inbound.Listen), RouteTable.InboundKey(inbound.ServicePort), ListenerKind.Inbound, MeshProtocol.Http2) { ServicePort = inbound.ServicePort });
        }

        if (inboundCapture is not null)
        {
            InboundCapture = new BoundListener(inboundCapture, "inbound|capture", ListenerKind.Inbound, MeshProtocol.Http) { Captures = true };
            Add(InboundCapture);
        }

        if (!string.IsNullOrEmpty(options.OutboundCapture))
        {
            OutboundCapture = new BoundListener(Parse(options.OutboundCapture), "outbound|capture", ListenerKind.Outbound, MeshProtocol.Http) { Captures = true };
            Add(OutboundCapture);
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

    /// <summary>Under interception, the inbound port behind each service port the capture serves.</summary>
    public IEnumerable<BoundListener> CapturedInbound => _capturedInbound.Values;

    /// <summary>The listener iptables sends inbound traffic to, under interception.</summary>
    public BoundListener? InboundCapture { get; }

    /// <summary>The listener iptables sends the app's outbound traffic to, under interception.</summary>
    public BoundListener? OutboundCapture { get; }

    /// <summary>
    /// What a captured connection stands for, from where its client meant to go: the inbound port it dialled, or (for
    /// outbound) the capture itself, resolved per request by <see cref="For"/>. Null refuses the connection.
    /// </summary>
    public BoundListener? ForOriginalDestination(BoundListener capture, IPEndPoint original) =>
        capture == InboundCapture ? _capturedInbound.GetValueOrDefault(original.Port)
        // A connection made to the capture port itself was not redirected: passing it through would loop.
        : capture == OutboundCapture && !(IPAddress.IsLoopback(original.Address) && original.Port == capture.EndPoint.Port) ? capture
        : null;

    public const string OriginalDestinationKey = "mesh.original-destination";

    public BoundListener? ForPort(int localPort) => _byPort.GetValueOrDefault(localPort);

    /// <summary>The listener a connection came in on: tagged on the connection (Unix sockets too), else found by port.</summary>
    public BoundListener? For(HttpContext context)
    {
        var items = context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(ItemKey, out var tagged) != true || tagged is not BoundListener listener)
        {
            return ForPort(context.Connection.LocalPort);
        }

        // A captured outbound request goes to the service its Host names, on the port the app dialled (as Envoy's
        // outbound listener for that port routes by virtual host).
        if (listener.Captures && listener.Kind == ListenerKind.Outbound && items.TryGetValue(OriginalDestinationKey, out var original) && original is IPEndPoint dialled)
        {
            // "reviews" is in this namespace; "reviews.bookinfo" may be a service in another one, or a name of its own.
            var host = context.Request.Host.Host;
            return listener with
            {
                Key = RouteTable.OutboundKey(Hostnames.Qualify(host, _namespace), dialled.Port),
                FallbackKey = host.Count(c => c == '.') == 1 ? RouteTable.OutboundKey($"{host}.{Hostnames.ClusterDomain}", dialled.Port) : null,
            };
        }

        return listener;
    }

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

    /// <summary>True for the interception listeners, whose connections are resolved by their original destination.</summary>
    public bool Captures { get; init; }

    /// <summary>For a captured request: the route-table listener to use when <see cref="Key"/> has none.</summary>
    public string? FallbackKey { get; init; }

    /// <summary>True for a gateway port that terminates TLS.</summary>
    public bool Tls { get; init; }
}
