namespace Mesh.Config.Registry;

/// <summary>The application protocol of a port.</summary>
public enum MeshProtocol
{
    Http,
    Http2,
    Grpc,
    Tcp,
}

/// <summary>Istio's protocol selection: the port name's prefix (<c>grpc-web</c>, <c>http2-x</c>) or an explicit protocol.</summary>
public static class MeshProtocols
{
    public static MeshProtocol FromPortName(string? name)
    {
        var prefix = (name ?? "").Split('-')[0].ToLowerInvariant();
        return Parse(prefix) ?? MeshProtocol.Tcp;
    }

    public static MeshProtocol? Parse(string? protocol) => protocol?.ToLowerInvariant() switch
    {
        "http" => MeshProtocol.Http,
        "http2" => MeshProtocol.Http2,
        "grpc" => MeshProtocol.Grpc,
        "grpc-web" => MeshProtocol.Http,
        "tcp" or "tls" or "https" or "mongo" or "mysql" or "redis" => MeshProtocol.Tcp,
        _ => null,
    };

    /// <summary>True when the protocol needs HTTP/2 end to end (gRPC, h2c).</summary>
    public static bool IsHttp2(this MeshProtocol protocol) => protocol is MeshProtocol.Grpc or MeshProtocol.Http2;
}
