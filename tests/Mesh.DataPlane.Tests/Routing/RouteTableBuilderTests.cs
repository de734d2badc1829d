using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;
using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

/// <summary>How config becomes one proxy's table: what applies to which proxy, clusters, subsets and policies.</summary>
public class RouteTableBuilderTests
{
    [Fact]
    public void SourceLabels_ApplyOnlyToMatchingProxies()
    {
        const string yaml = Mesh.ReviewsSubsets + """

            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - match: [{sourceLabels: {app: productpage}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - route: [{destination: {host: reviews, subset: v1}}]
            """;
        var workloads = Mesh.Bookinfo();

        var fromProductPage = Mesh.Build(yaml, workloads, workloads.Single(w => w.Name == "productpage-v1")).Table;
        var fromRatings = Mesh.Build(yaml, workloads, workloads.Single(w => w.Name == "ratings-v1")).Table;

        Assert.EndsWith("|v2|reviews.default.svc.cluster.local", Mesh.Route(fromProductPage, "reviews", "/")!.Clusters[0].Cluster);
        Assert.EndsWith("|v1|reviews.default.svc.cluster.local", Mesh.Route(fromRatings, "reviews", "/")!.Clusters[0].Cluster);
    }

    [Fact]
    public void Subset_SelectsWorkloadsByLabels_AndSkipsUnhealthyOnes()
    {
        var workloads = Mesh.Bookinfo().Append(Mesh.Workload("reviews-v2-b", "reviews", "v2", 10014, healthy: false)).ToArray();

        var (table, _) = Mesh.Build(Mesh.ReviewsSubsets + """

            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route: [{destination: {host: reviews, subset: v2}}]
            """, workloads);

        var cluster = table.Cluster("outbound|9080|v2|reviews.default.svc.cluster.local")!;
        Assert.Equal("127.0.0.1:10012", Assert.Single(cluster.Endpoints).Authority);
    }

    [Fact]
    public void MissingSubset_IsAWarning_AndAClusterWithoutEndpoints()
    {
        var (table, warnings) = Mesh.Build("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route: [{destination: {host: reviews, subset: v9}}]
            """);

        Assert.Empty(table.Cluster("outbound|9080|v9|reviews.default.svc.cluster.local")!.Endpoints);
        Assert.Contains(warnings, w => w.Contains("subset 'v9'", StringComparison.Ordinal));
    }

    [Fact]
    public void SubsetPolicy_OverridesTheRulesPolicy_FieldByField()
    {
        var (table, _) = Mesh.Build("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              trafficPolicy:
                loadBalancer: {simple: RANDOM}
                connectionPool: {tcp: {maxConnections: 10}}
              subsets:
              - name: v1
                labels: {version: v1}
                trafficPolicy:
                  loadBalancer: {simple: ROUND_ROBIN}
              - name: v2
                labels: {version: v2}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: v1}
                  weight: 50
                - destination: {host: reviews, subset: v2}
                  weight: 50
            """);

        var v1 = table.Cluster("outbound|9080|v1|reviews.default.svc.cluster.local")!.Policy!;
        var v2 = table.Cluster("outbound|9080|v2|reviews.default.svc.cluster.local")!.Policy!;
        Assert.Equal(SimpleLoadBalancer.RoundRobin, v1.LoadBalancer!.Simple);
        Assert.Equal(10, v1.ConnectionPool!.Tcp!.MaxConnections);
        Assert.Equal(SimpleLoadBalancer.Random, v2.LoadBalancer!.Simple);
    }

    [Fact]
    public void Gateway_ServesOnlyVirtualServicesBoundToItsGateways_MostSpecificHostFirst()
    {
        var gateway = new Workload
        {
            Name = "istio-ingressgateway", Address = "127.0.0.1", IsGateway = true,
            Labels = new Dictionary<string, string> { ["istio"] = "ingressgateway" },
        };
        var (table, _) = Mesh.Build("""
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: edge}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 8080, name: http, protocol: HTTP}
                hosts: ["*"]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: catch-all}
            spec:
              hosts: ["*"]
              gateways: [edge]
              http:
              - route: [{destination: {host: productpage}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: shop}
            spec:
              hosts: [shop.example.com]
              gateways: [edge]
              http:
              - route: [{destination: {host: reviews}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: mesh-only}
            spec:
              hosts: [ratings]
              http:
              - route: [{destination: {host: ratings}}]
            """, [.. Mesh.Bookinfo(), gateway], gateway);

        var listener = table.Listener(RouteTable.GatewayKey(8080))!;
        Assert.Equal(["default/catch-all", "default/shop"], listener.VirtualHosts.Select(v => v.Name).Order());
        Assert.Equal("default/shop", listener.SelectVirtualHost("shop.example.com:8080")!.Name);
        Assert.Equal("default/catch-all", listener.SelectVirtualHost("127.0.0.1:8080")!.Name);
        Assert.Null(table.Listener(RouteTable.OutboundKey("ratings.default.svc.cluster.local", 9080)));
    }

    [Fact]
    public void SidecarResource_LimitsTheServicesAProxyCanReach()
    {
        var (table, _) = Mesh.Build("""
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default}
            spec:
              egress:
              - hosts: ["./reviews.default.svc.cluster.local"]
            """);

        Assert.NotNull(table.Listener(RouteTable.OutboundKey("reviews.default.svc.cluster.local", 9080)));
        Assert.Null(table.Listener(RouteTable.OutboundKey("ratings.default.svc.cluster.local", 9080)));
    }

    [Fact]
    public void Mirror_BecomesAMirrorTargetWithItsPercentage()
    {
        var route = Mesh.Route(Mesh.Build(Mesh.ReviewsSubsets + """

            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route: [{destination: {host: reviews, subset: v1}}]
                mirror: {host: reviews, subset: v2}
                mirrorPercentage: {value: 25}
            """).Table, "reviews", "/")!;

        var mirror = Assert.Single(route.Mirrors);
        Assert.Equal("outbound|9080|v2|reviews.default.svc.cluster.local", mirror.Cluster);
        Assert.Equal(25, mirror.Percentage);
    }
}
