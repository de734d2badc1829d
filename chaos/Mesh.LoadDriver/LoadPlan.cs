using System.Net;

namespace Mesh.LoadDriver;

/// <summary>How requests are carried: HTTP/1.1, HTTP/2 (h2c with prior knowledge on http://, ALPN on https://) or gRPC.</summary>
public enum LoadProtocol
{
    Http1,
    Http2,
    Grpc,
}

/// <summary>
/// What to send and how: an open model (<see cref="RatePerSecond"/> set: requests start on a fixed schedule whether
/// or not earlier ones finished) or a closed model (<see cref="Connections"/> workers, each sending as fast as its
/// responses come back). Every plan is bounded by a request count, a duration, or both, and targets loopback only.
/// </summary>
public sealed record LoadPlan
{
    public required Uri Target { get; init; }

    public LoadProtocol Protocol { get; init; } = LoadProtocol.Http1;

    public HttpMethod Method { get; init; } = HttpMethod.Get;

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// False (the default): each request carries a fresh W3C <c>traceparent</c> marked not sampled, so a mesh that
    /// follows its caller's sampling decision (Envoy, OpenTelemetry's parent-based sampler) builds and exports no
    /// spans for synthetic load, and the spans of real requests are not crowded out of exporters' bounded queues.
    /// True leaves sampling to the mesh. A <c>traceparent</c> in <see cref="Headers"/> is sent as given either way.
    /// </summary>
    public bool Traced { get; init; }

    /// <summary>Requests per second for the open model; null selects the closed model.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>Concurrent connections (closed model workers, or the open model's connection pool size).</summary>
    public int Connections { get; init; } = 16;

    public int? Requests { get; init; }

    public TimeSpan? Duration { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sorts successful responses into buckets (e.g. which version answered), reported as counts.</summary>
    public Func<HttpResponseMessage, string, string?>? Classify { get; init; }

    /// <summary>Makes the request body, for POSTs.</summary>
    public Func<HttpContent?>? Body { get; init; }

    /// <summary>For gRPC: the method as <c>package.Service/Method</c>.</summary>
    public string? GrpcMethod { get; init; }

    /// <summary>For gRPC: the request message, already serialized as protobuf (empty is a message with every field at its default).</summary>
    public byte[] GrpcMessage { get; init; } = [];

    /// <summary>
    /// A network the caller made itself (e.g. a veth pair between network namespaces it created), with how to open a
    /// connection from inside it. Targets in it are allowed besides loopback.
    /// </summary>
    public OwnNetwork? Network { get; init; }

    public void Validate()
    {
        if (Requests is null && Duration is null)
        {
            throw new ArgumentException("a load plan needs a request count, a duration, or both, so that it always ends");
        }

        if (RatePerSecond is <= 0 || Connections <= 0 || Requests is <= 0 || Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("rate, connections, requests and duration must be positive");
        }

        if (Protocol == LoadProtocol.Grpc && (GrpcMethod is null || GrpcMethod.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]))
        {
            throw new ArgumentException("a gRPC load needs the method as package.Service/Method");
        }

        if (!IsLoopback(Target) && !(Network is { } own && IPAddress.TryParse(Target.Host, out var address) && own.Range.Contains(address)))
        {
            throw new ArgumentException($"{Target.Host} is not a loopback address: load goes only to 127.0.0.0/8, ::1, localhost or a network the caller made");
        }
    }

    /// <summary>Load never leaves the machine: only 127.0.0.0/8, ::1 and localhost are targets.</summary>
    public static bool IsLoopback(Uri target) =>
        target.IsLoopback || (IPAddress.TryParse(target.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    public static LoadProtocol ParseProtocol(string protocol) => protocol.ToLowerInvariant() switch
    {
        "1.1" or "http1" or "http/1.1" => LoadProtocol.Http1,
        "2" or "2.0" or "h2" or "h2c" or "http2" => LoadProtocol.Http2,
        "grpc" => LoadProtocol.Grpc,
        _ => throw new ArgumentException($"unknown protocol '{protocol}' (http1, http2 or grpc)"),
    };
}

/// <summary>A network that exists only because the caller made it, and how to connect from inside it.</summary>
public sealed record OwnNetwork(IPNetwork Range, Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect);
