namespace Mesh.DataPlane.Routing;

/// <summary>Which way a listener carries traffic.</summary>
public enum ListenerKind
{
    /// <summary>From the local app to a mesh service (one listener per service port).</summary>
    Outbound,

    /// <summary>From the mesh to the local app (one listener per app port).</summary>
    Inbound,

    /// <summary>At the edge, a Gateway server's port.</summary>
    Gateway,
}
