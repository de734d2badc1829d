using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

/// <summary>
/// Istio's namespace rules: which VirtualServices, DestinationRules and ServiceEntries of one namespace change routing
/// for proxies of another (short hosts, exportTo, precedence, DestinationRule lookup order).
/// </summary>
public class NamespaceVisibilityTests
{
    private static string AbortAll(string ns, string host, string? exportTo = null) => $$$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: abort-{{{ns}}}, namespace: {{{ns}}}}
        spec:
          hosts: [{{{host}}}]
        {{{(exportTo is null ? "" : $"  exportTo: {exportTo}\n")}}}  http:
          - fault:
              abort: {httpStatus: 500, percentage: {value: 100} }
            route:
            - destination: {host: reviews.default.svc.cluster.local}
        """;

    private static bool Aborts(string yaml) =>
        Mesh.Route(Mesh.Build(yaml, Mesh.Bookinfo(), Mesh.Bookinfo()[0]).Table, "reviews", "/")?.Rule?.Fault is not null;

    [Fact]
    public void ShortHost_InAnotherNamespace_NamesThatNamespacesService() =>
        Assert.False(Aborts(AbortAll("nobody", "reviews")));

    [Fact]
    public void FullyQualifiedHost_ExportedOnlyToItsOwnNamespace_IsNotSeenElsewhere() =>
        Assert.False(Aborts(AbortAll("nobody", "reviews.default.svc.cluster.local", "[\".\"]")));

    [Fact]
    public void FullyQualifiedHost_ExportedToAnotherNamespaceByName_IsNotSeenHere() =>
        Assert.False(Aborts(AbortAll("nobody", "reviews.default.svc.cluster.local", "[shop]")));

    [Fact]
    public void FullyQualifiedHost_ExportedHereByName_Applies() =>
        Assert.True(Aborts(AbortAll("nobody", "reviews.default.svc.cluster.local", "[default]")));

    /// <summary>As in Istio: a public VirtualService may route any host it names, wherever it lives.</summary>
    [Fact]
    public void FullyQualifiedHost_Public_AppliesAsInIstio() =>
        Assert.True(Aborts(AbortAll("nobody", "reviews.default.svc.cluster.local")));

    [Fact]
    public void OwnNamespacesPrivateVirtualService_BeatsAPublicOneFromElsewhere()
    {
        var own = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              exportTo: ["."]
              http:
              - route: [{destination: {host: reviews}}]
            ---

            """;

        Assert.False(Aborts(own + AbortAll("nobody", "reviews.default.svc.cluster.local")));
    }

    [Fact]
    public void DestinationRule_InAnUnrelatedNamespace_IsNotUsed()
    {
        const string yaml = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: hijack, namespace: nobody}
            spec:
              host: reviews.default.svc.cluster.local
              trafficPolicy: {loadBalancer: {simple: RANDOM}}
            """;

        var cluster = Mesh.Build(yaml).Table.Cluster("outbound|9080||reviews.default.svc.cluster.local")!;

        Assert.Null(cluster.Policy);
    }

    [Theory]
    [InlineData("default", true)]
    [InlineData("istio-system", true)]
    [InlineData("nobody", false)]
    public void DestinationRule_IsLookedUpInTheClientsTheServicesAndTheRootNamespace(string ns, bool applies)
    {
        var yaml = $$$"""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: {{{ns}}}}
            spec:
              host: reviews.default.svc.cluster.local
              trafficPolicy: {loadBalancer: {simple: RANDOM}}
            """;

        var cluster = Mesh.Build(yaml).Table.Cluster("outbound|9080||reviews.default.svc.cluster.local")!;

        Assert.Equal(applies, cluster.Policy is not null);
    }

    [Fact]
    public void ServiceEntry_ExportedNowhere_GivesNoListener()
    {
        const string yaml = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: api, namespace: default}
            spec:
              hosts: [api.example.com]
              exportTo: ["~"]
              ports: [{number: 443, name: https, protocol: HTTPS}]
              resolution: DNS
            """;

        var table = Mesh.Build(yaml).Table;

        Assert.Null(table.Listener(RouteTable.OutboundKey("api.example.com", 443)));
    }
}
