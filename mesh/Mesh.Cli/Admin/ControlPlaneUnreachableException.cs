namespace Mesh.Cli.Admin;

/// <summary>The control plane did not answer at all (refused, unresolvable, timed out); meshctl exits 2.</summary>
public sealed class ControlPlaneUnreachableException(Uri address, string reason, Exception? inner = null)
    : Exception($"cannot reach the control plane at {address} ({reason}); start it, or point meshctl at it with --control-plane <url> or {ControlPlaneAddress.EnvironmentVariable}", inner)
{
    public Uri Address { get; } = address;
}
