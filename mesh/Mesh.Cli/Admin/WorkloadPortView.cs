namespace Mesh.Cli.Admin;

/// <summary>A port of a registered workload: its name, the service port and the port where mesh traffic enters.</summary>
public sealed record WorkloadPortView(string Name, int ServicePort, int Port);
