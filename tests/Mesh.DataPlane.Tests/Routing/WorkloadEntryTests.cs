using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

/// <summary>A WorkloadEntry joins the service its labels select, as an endpoint without a sidecar.</summary>
public class WorkloadEntryTests
{
    private const string Config = """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-vm}
        spec:
          address: 10.0.0.7
          ports: {http: 9999}
          labels: {app: reviews, version: v4}
          serviceAccount: bookinfo-reviews
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - name: v4
            labels: {version: v4}
        """;

    [Fact]
    public void AWorkloadEntry_IsAnEndpointOfItsService_OnItsNamedPort_InPlaintext()
    {
        var (table, _) = Mesh.Build(Config + "\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v4}}]\n");

        var cluster = table.Cluster(Mesh.Route(table, "reviews", "/reviews/0")!.Clusters.Single().Cluster)!;
        var endpoint = Assert.Single(cluster.Endpoints);
        Assert.Equal(("10.0.0.7", 9999, false), (endpoint.Address, endpoint.Port, endpoint.MutualTls));
        Assert.Equal("cluster.local/ns/default/sa/bookinfo-reviews", endpoint.Workload.Principal("cluster.local")["spiffe://".Length..]);
    }

    [Fact]
    public void WithoutARoute_ItSharesTheServiceWithTheRegisteredWorkloads() =>
        Assert.Contains(Mesh.Build(Config).Table.Cluster("outbound|9080||reviews.default.svc.cluster.local")!.Endpoints, e => e.Address == "10.0.0.7");
}
