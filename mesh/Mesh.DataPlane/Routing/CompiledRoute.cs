using Mesh.Config.Model.Networking;
using Mesh.Config.Source;
using Mesh.DataPlane.Resilience;

namespace Mesh.DataPlane.Routing;

/// <summary>
/// One HTTP rule ready to serve: its match blocks (OR-ed; none means all), the weighted clusters it sends to,
/// and the Istio rule it came from (for redirect, direct response, rewrite, headers, timeout, retries, fault, CORS).
/// </summary>
public sealed class CompiledRoute
{
    private readonly int _totalWeight;

    public CompiledRoute(string origin, int index, HttpRoute? rule, IReadOnlyList<RequestMatch> matches,
        IReadOnlyList<WeightedCluster> clusters, IReadOnlyList<MirrorTarget> mirrors, RetryPolicy? retry = null)
    {
        Retry = retry ?? RetryPolicy.From(rule?.Retries);
        Origin = origin;
        Index = index;
        Rule = rule;
        Matches = matches;
        Clusters = clusters;
        Mirrors = mirrors;
        _totalWeight = clusters.Sum(c => c.Weight);
        PathRegexRewriter = rule?.Rewrite?.UriRegexRewrite is { } regex ? new PathRegexRewriter(regex) : null;
    }

    /// <summary>The rule's <c>uriRegexRewrite</c>, compiled once.</summary>
    public PathRegexRewriter? PathRegexRewriter { get; }

    /// <summary>The VirtualService this rule came from (<c>namespace/name</c>), or <c>default</c> for the implicit route.</summary>
    public string Origin { get; }

    public int Index { get; }

    public HttpRoute? Rule { get; }

    public string? Name => Rule?.Name;

    public SourceSpan? Source => Rule?.Source;

    public IReadOnlyList<RequestMatch> Matches { get; }

    public IReadOnlyList<WeightedCluster> Clusters { get; }

    public IReadOnlyList<MirrorTarget> Mirrors { get; }

    /// <summary>The rule's retry policy, or Istio's default when it sets none.</summary>
    public RetryPolicy Retry { get; }

    /// <summary>The rule's overall timeout (all attempts); null means none, Istio's default.</summary>
    public TimeSpan? Timeout => Rule?.Timeout is { } t && t > TimeSpan.Zero ? t : null;

    public bool IsMatch(IRequestView request)
    {
        if (Matches.Count == 0)
        {
            return true;
        }

        foreach (var match in Matches)
        {
            if (match.IsMatch(request))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Picks a destination by weight; a draw in [0, total) walks the cumulative weights.</summary>
    public WeightedCluster? PickCluster(IRandomSource random)
    {
        if (Clusters.Count == 1)
        {
            return Clusters[0];
        }

        if (_totalWeight <= 0)
        {
            return null;
        }

        var draw = random.Next(_totalWeight);
        foreach (var cluster in Clusters)
        {
            if (draw < cluster.Weight)
            {
                return cluster;
            }

            draw -= cluster.Weight;
        }

        return Clusters[^1];
    }

    public override string ToString() => $"{Origin} http[{Index}]{(Name is null ? "" : $" '{Name}'")}";
}
