namespace Mesh.Config.Model.Networking;

/// <summary>Reads the gateway names VirtualServices use: <c>name</c> (in the VirtualService's namespace) or <c>namespace/name</c>.</summary>
public static class GatewayReference
{
    public static (string Namespace, string Name) Split(string reference, string ns)
    {
        var slash = reference.IndexOf('/');
        return slash < 0 ? (ns, reference) : (reference[..slash], reference[(slash + 1)..]);
    }

    /// <summary>The reference in <c>namespace/name</c> form.</summary>
    public static string Qualify(string reference, string ns)
    {
        var (gatewayNamespace, name) = Split(reference, ns);
        return $"{gatewayNamespace}/{name}";
    }
}
