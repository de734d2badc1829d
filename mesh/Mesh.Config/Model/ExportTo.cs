namespace Mesh.Config.Model;

/// <summary>
/// Istio's <c>exportTo</c>: which namespaces' proxies see a VirtualService, DestinationRule or ServiceEntry.
/// Empty means every namespace (MeshConfig's default <c>*</c>); <c>.</c> is the resource's own namespace; <c>~</c>
/// (ServiceEntries only) is none; any other entry names a namespace.
/// </summary>
public static class ExportTo
{
    public const string Everywhere = "*";
    public const string OwnNamespace = ".";
    public const string Nowhere = "~";

    /// <summary>Whether a proxy in <paramref name="viewer"/> sees a resource of <paramref name="resourceNamespace"/>.</summary>
    public static bool IsVisible(IReadOnlyList<string> exportTo, string resourceNamespace, string viewer)
    {
        ArgumentNullException.ThrowIfNull(exportTo);
        return exportTo.Count == 0 || exportTo.Any(e => e == Everywhere || (e == OwnNamespace ? resourceNamespace : e) == viewer);
    }

    /// <summary>
    /// The order in which Istio considers visible VirtualServices for a proxy: those its own namespace keeps to itself
    /// (0), then those another namespace exports to it by name (1), then public ones (2). The first that routes a host
    /// takes it.
    /// </summary>
    public static int Precedence(IReadOnlyList<string> exportTo, string resourceNamespace, string viewer)
    {
        ArgumentNullException.ThrowIfNull(exportTo);
        if (exportTo.Count == 0 || exportTo.Contains(Everywhere))
        {
            return 2;
        }

        return resourceNamespace == viewer && exportTo.Any(e => e == OwnNamespace || e == viewer) ? 0 : 1;
    }
}
