namespace Mesh.DataPlane;

/// <summary>Formats <see cref="ResponseFlags"/> as Envoy does: short names joined with commas, <c>-</c> for none.</summary>
public static class ResponseFlagNames
{
    private static readonly (ResponseFlags Flag, string Name)[] Names =
    [
        (ResponseFlags.NoRouteFound, "NR"), (ResponseFlags.NoHealthyUpstream, "UH"), (ResponseFlags.UpstreamConnectionFailure, "UF"),
        (ResponseFlags.UpstreamOverflow, "UO"), (ResponseFlags.UpstreamRetryLimitExceeded, "URX"), (ResponseFlags.UpstreamRequestTimeout, "UT"),
        (ResponseFlags.DelayInjected, "DI"), (ResponseFlags.FaultInjected, "FI"), (ResponseFlags.RateLimited, "RL"),
        (ResponseFlags.UpstreamConnectionTermination, "UC"), (ResponseFlags.DownstreamConnectionTermination, "DC"),
        (ResponseFlags.RbacAccessDenied, "RBAC"), (ResponseFlags.NoClusterFound, "NC"), (ResponseFlags.Unauthorized, "UAEX"),
    ];

    public static string Format(ResponseFlags flags)
    {
        if (flags == ResponseFlags.None)
        {
            return "-";
        }

        return string.Join(',', Names.Where(n => flags.HasFlag(n.Flag)).Select(n => n.Name));
    }

    public static ResponseFlags Parse(string text) =>
        text == "-" ? ResponseFlags.None : text.Split(',').Aggregate(ResponseFlags.None, (all, name) => all | Names.FirstOrDefault(n => n.Name == name).Flag);
}
