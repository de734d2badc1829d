namespace Mesh.Config.Registry;

/// <summary>
/// A port a workload serves: its name (which, as in Istio, selects the protocol: <c>http</c>, <c>grpc</c>, <c>http2</c>),
/// the service port clients address, and the port on the workload's address where that traffic enters the mesh.
/// </summary>
public sealed record WorkloadPort(string Name, int ServicePort, int Port)
{
    public MeshProtocol Protocol => MeshProtocols.FromPortName(Name);
}
