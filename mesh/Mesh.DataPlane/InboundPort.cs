namespace Mesh.DataPlane;

/// <summary>A port of the local app that the sidecar serves inbound: the service port and where the app listens.</summary>
public sealed record InboundPort(string Name, int ServicePort, string AppAddress, int AppPort);
