namespace Aspire.Hosting;

/// <summary>
/// A port a meshed workload serves, as a Kubernetes Service port: its name selects the protocol the way Istio's
/// protocol selection does (<c>http</c>, <c>grpc</c>, <c>http2</c>), and the service port is what clients address.
/// </summary>
public sealed record MeshPort(string Name, int ServicePort)
{
    public bool IsHttp2 => Name.StartsWith("grpc", StringComparison.OrdinalIgnoreCase) || Name.StartsWith("http2", StringComparison.OrdinalIgnoreCase);
}
