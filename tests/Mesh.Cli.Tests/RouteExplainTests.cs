namespace Mesh.Cli.Tests;

public class RouteExplainTests
{
    private static readonly string[] Files =
    [
        "-f", MeshCtlRunner.Repo("samples/bookinfo/virtual-service-reviews-test-v2.yaml"),
        "-f", MeshCtlRunner.Repo("config/destination-rule-all.yaml"),
    ];

    private static Task<(int Exit, string Out, string Error)> Explain(params string[] args) =>
        MeshCtlRunner.RunAsync(new Uri("http://127.0.0.1:1"), ["route", "explain", .. args, .. Files]);

    [Fact]
    public async Task Jason_MatchesTheHeaderRule_ToSubsetV2()
    {
        var (exit, output, _) = await Explain("reviews", "/reviews/0", "-H", "end-user:jason");

        Assert.Equal(0, exit);
        Assert.Contains("match[0]: MATCHED", output);
        Assert.Contains("headers[end-user] exact:jason: ok", output);
        Assert.Contains("=> default/reviews http[0]", output);
        Assert.Contains("outbound|9080|v2|reviews.default.svc.cluster.local", output);
    }

    [Fact]
    public async Task WithoutTheHeader_TheCatchAllRuleSendsToV1()
    {
        var (exit, output, _) = await Explain("reviews", "/reviews/0");

        Assert.Equal(0, exit);
        Assert.Contains("FAILED (value absent)", output);
        Assert.Contains("=> default/reviews http[1]", output);
        Assert.Contains("outbound|9080|v1|reviews.default.svc.cluster.local", output);
    }

    [Fact]
    public async Task NoRuleMatches_Says404()
    {
        var (exit, output, _) = await MeshCtlRunner.RunAsync(new Uri("http://127.0.0.1:1"), "route", "explain", "bookinfo.example.com", "/nowhere",
            "--from", "istio-ingressgateway", "-f", MeshCtlRunner.Repo("config"));

        Assert.Equal(1, exit);
        Assert.Contains("404 (NR)", output);
    }
}
