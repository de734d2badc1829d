using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

/// <summary>Istio's VirtualService semantics: rules in order, first match wins; AND within a match block, OR across blocks.</summary>
public class RouteMatchingTests
{
    private const string Rules = Mesh.ReviewsSubsets + """

        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - name: jason-on-chrome
            match:
            - headers:
                end-user: {exact: jason}
                user-agent: {regex: ".*Chrome.*"}
            route:
            - destination: {host: reviews, subset: v3}
          - name: jason
            match:
            - headers:
                end-user: {exact: jason}
            route:
            - destination: {host: reviews, subset: v2}
          - name: api-or-beta
            match:
            - uri: {prefix: /api}
            - queryParams:
                beta: {exact: "true"}
            route:
            - destination: {host: reviews, subset: v2}
          - name: no-debug-header
            match:
            - uri: {exact: /plain}
              withoutHeaders:
                x-debug: {}
            route:
            - destination: {host: reviews, subset: v3}
          - name: case-blind
            match:
            - uri: {prefix: /CASE}
              ignoreUriCase: true
              method: {exact: POST}
            route:
            - destination: {host: reviews, subset: v3}
          - name: rest
            route:
            - destination: {host: reviews, subset: v1}
        """;

    private readonly RouteTable _table = Mesh.Build(Rules).Table;

    [Fact]
    public void FirstMatchWins_MoreSpecificRuleEarlier()
    {
        Assert.Equal("jason-on-chrome", Mesh.Route(_table, "reviews", "/reviews/0", ("end-user", "jason"), ("user-agent", "Mozilla Chrome/120"))!.Name);
        Assert.Equal("jason", Mesh.Route(_table, "reviews", "/reviews/0", ("end-user", "jason"), ("user-agent", "curl"))!.Name);
    }

    [Fact]
    public void ConditionsInOneBlock_AreAnded()
    {
        Assert.Equal("rest", Mesh.Route(_table, "reviews", "/reviews/0", ("user-agent", "Chrome"))!.Name);
    }

    [Fact]
    public void Blocks_AreOred()
    {
        Assert.Equal("api-or-beta", Mesh.Route(_table, "reviews", "/api/x")!.Name);
        Assert.Equal("api-or-beta", Mesh.Route(_table, "reviews", "/other?beta=true")!.Name);
        Assert.Equal("rest", Mesh.Route(_table, "reviews", "/other?beta=false")!.Name);
    }

    [Fact]
    public void WithoutHeaders_MatchesOnlyWhenTheHeaderIsAbsent()
    {
        Assert.Equal("no-debug-header", Mesh.Route(_table, "reviews", "/plain")!.Name);
        Assert.Equal("rest", Mesh.Route(_table, "reviews", "/plain", ("x-debug", "1"))!.Name);
    }

    [Fact]
    public void IgnoreUriCase_AndMethod()
    {
        var post = new RequestView("POST", "reviews:9080", "/case/1");
        var get = new RequestView("GET", "reviews:9080", "/case/1");
        var vh = _table.Listener(RouteTable.OutboundKey("reviews.default.svc.cluster.local", 9080))!.VirtualHosts[0];
        Assert.Equal("case-blind", vh.Match(post)!.Name);
        Assert.Equal("rest", vh.Match(get)!.Name);
    }

    [Fact]
    public void NoRuleMatches_GivesNoRoute()
    {
        var (table, _) = Mesh.Build(Mesh.ReviewsSubsets + """

            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - match: [{uri: {prefix: /only}}]
                route: [{destination: {host: reviews, subset: v1}}]
            """);

        Assert.Null(Mesh.Route(table, "reviews", "/elsewhere"));
    }

    [Fact]
    public void NoVirtualService_DefaultRouteToEveryEndpoint()
    {
        var (table, _) = Mesh.Build(Mesh.ReviewsSubsets);

        var route = Mesh.Route(table, "reviews", "/reviews/0")!;
        Assert.Equal("default", route.Origin);
        var cluster = table.Cluster(Assert.Single(route.Clusters).Cluster)!;
        Assert.Equal("outbound|9080||reviews.default.svc.cluster.local", cluster.Name);
        Assert.Equal(["reviews-v1", "reviews-v2", "reviews-v3"], cluster.Endpoints.Select(e => e.Workload.Name).Order());
    }
}
