using Mesh.Cli.Output;

namespace Mesh.Cli.Tests;

public class ConfigDumpFormatterTests
{
    private const string Dump = """
        {"proxy":"productpage-v1","namespace":"default","version":"7","warnings":[],"listeners":[],
         "routes":[{"listener":"outbound|9080|reviews.default.svc.cluster.local","virtualHosts":[{"name":"default/reviews","domains":["reviews.default.svc.cluster.local"],
           "routes":[{"origin":"default/reviews","index":0,"name":null,"source":"x.yaml:9:5","match":["*"],"action":"route",
             "clusters":[{"cluster":"outbound|9080|v1|reviews.default.svc.cluster.local","weight":80},{"cluster":"outbound|9080|v2|reviews.default.svc.cluster.local","weight":20}],"mirrors":[]}]}]}],
         "clusters":[{"name":"outbound|9080|v1|reviews.default.svc.cluster.local","protocol":"http","loadBalancer":"LEAST_REQUEST",
           "endpoints":[{"address":"127.0.0.1:10011","workload":"reviews-v1","version":"v1","activeRequests":0}]}]}
        """;

    [Fact]
    public void Routes_ShowsDestinationsWithWeights()
    {
        var output = new StringWriter();

        ConfigDumpFormatter.Routes(Dump, output);

        Assert.Contains("config version 7", output.ToString());
        Assert.Contains("outbound|9080|v1|reviews.default.svc.cluster.local 80%, outbound|9080|v2|reviews.default.svc.cluster.local 20%", output.ToString());
    }

    [Fact]
    public void Clusters_ShowsEndpointsAndBalancer()
    {
        var output = new StringWriter();

        ConfigDumpFormatter.Clusters(Dump, output);

        Assert.Contains("LEAST_REQUEST", output.ToString());
        Assert.Contains("127.0.0.1:10011 (reviews-v1)", output.ToString());
    }
}
