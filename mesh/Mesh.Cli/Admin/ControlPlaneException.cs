namespace Mesh.Cli.Admin;

/// <summary>The control plane answered, but not as the admin API should (an unexpected status or body).</summary>
public sealed class ControlPlaneException(string message, Exception? inner = null) : Exception(message, inner);
