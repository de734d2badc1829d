namespace Mesh.Cli.Resources;

/// <summary>The kinds meshctl knows, with kubectl-style short names and plurals.</summary>
public static class KindNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["vs"] = "VirtualService", ["virtualservice"] = "VirtualService", ["virtualservices"] = "VirtualService",
        ["dr"] = "DestinationRule", ["destinationrule"] = "DestinationRule", ["destinationrules"] = "DestinationRule",
        ["gw"] = "Gateway", ["gateway"] = "Gateway", ["gateways"] = "Gateway",
        ["se"] = "ServiceEntry", ["serviceentry"] = "ServiceEntry", ["serviceentries"] = "ServiceEntry",
        ["sidecar"] = "Sidecar", ["sidecars"] = "Sidecar",
        ["pa"] = "PeerAuthentication", ["peerauthentication"] = "PeerAuthentication", ["peerauthentications"] = "PeerAuthentication",
        ["ap"] = "AuthorizationPolicy", ["authorizationpolicy"] = "AuthorizationPolicy", ["authorizationpolicies"] = "AuthorizationPolicy",
        ["ra"] = "RequestAuthentication", ["requestauthentication"] = "RequestAuthentication", ["requestauthentications"] = "RequestAuthentication",
        ["ef"] = "EnvoyFilter", ["envoyfilter"] = "EnvoyFilter", ["envoyfilters"] = "EnvoyFilter",
    };

    public static IEnumerable<string> Known => Aliases.Values.Distinct();

    public static string? Resolve(string name) => Aliases.GetValueOrDefault(name);
}
