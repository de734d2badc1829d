using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

/// <summary>
/// VirtualService delegation as istiod merges it: a root rule's place is taken by the delegate's rules, each within
/// the root rule's match and inheriting what it does not set; a delegate that is missing, hidden or outside the root
/// match routes nothing.
/// </summary>
public class DelegationTests
{
    private const string Root = Mesh.ReviewsSubsets + """

        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - name: testers
            match:
            - headers:
                end-user: {exact: jason}
            timeout: 5s
            delegate: {name: reviews-testers}
          - name: rest
            route: [{destination: {host: reviews, subset: v1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-testers}
        spec:
          http:
          - name: api
            match: [{uri: {prefix: /api}}]
            timeout: 2s
            route: [{destination: {host: reviews, subset: v3}}]
          - name: outside
            match: [{headers: {end-user: {exact: someone-else}}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - name: other
            route: [{destination: {host: reviews, subset: v2}}]
        """;

    [Fact]
    public void TheDelegatesRules_TakeTheRootRulesPlace_WithinItsMatch()
    {
        var (table, warnings) = Mesh.Build(Root);

        var api = Mesh.Route(table, "reviews", "/api/1", ("end-user", "jason"))!;
        Assert.Equal(("testers-api", "outbound|9080|v3|reviews.default.svc.cluster.local", TimeSpan.FromSeconds(2)), (api.Name, api.Clusters.Single().Cluster, api.Rule!.Timeout));
        var other = Mesh.Route(table, "reviews", "/reviews/0", ("end-user", "jason"))!;
        Assert.Equal(("testers-other", "outbound|9080|v2|reviews.default.svc.cluster.local", TimeSpan.FromSeconds(5)), (other.Name, other.Clusters.Single().Cluster, other.Rule!.Timeout));
        Assert.Equal("rest", Mesh.Route(table, "reviews", "/api/1")!.Name);
        Assert.Contains(warnings, w => w.Contains("matches outside the root rule", StringComparison.Ordinal));
    }

    [Fact]
    public void ADelegateNotExportedToTheRootsNamespace_RoutesNothing()
    {
        var hidden = Root.Replace("metadata: {name: reviews-testers}\n", "metadata: {name: reviews-testers, namespace: team}\n", StringComparison.Ordinal)
            .Replace("delegate: {name: reviews-testers}", "delegate: {name: reviews-testers, namespace: team}", StringComparison.Ordinal)
            .Replace("spec:\n  http:\n  - name: api", "spec:\n  exportTo: [\".\"]\n  http:\n  - name: api", StringComparison.Ordinal);

        var (table, warnings) = Mesh.Build(hidden);

        Assert.Equal("rest", Mesh.Route(table, "reviews", "/api/1", ("end-user", "jason"))!.Name);
        Assert.Contains(warnings, w => w.Contains("not a delegate VirtualService visible to namespace default", StringComparison.Ordinal));
    }

    [Fact]
    public void ADelegateInAnotherNamespace_ResolvesShortHostsInItsOwn()
    {
        var exported = Root.Replace("metadata: {name: reviews-testers}\n", "metadata: {name: reviews-testers, namespace: team}\n", StringComparison.Ordinal)
            .Replace("delegate: {name: reviews-testers}", "delegate: {name: reviews-testers, namespace: team}", StringComparison.Ordinal);

        var (table, _) = Mesh.Build(exported);

        Assert.Equal("outbound|9080|v3|reviews.team.svc.cluster.local", Mesh.Route(table, "reviews", "/api/1", ("end-user", "jason"))!.Clusters.Single().Cluster);
    }
}
