using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;

namespace Mesh.Config.Tests.Yaml;

public class ConfigLoaderTests
{
    [Fact]
    public void LoadPaths_RepositoryConfigFolder_LoadsEveryResourceWithoutFindings()
    {
        var result = ConfigLoader.LoadPaths([Path.Combine(AppContext.BaseDirectory, "config")]);

        Assert.Empty(result.Findings);
        Assert.Contains(result.Resources, r => r is Gateway { Name: "bookinfo-gateway" });
        Assert.Contains(result.Resources, r => r is VirtualService { Name: "bookinfo" });
        Assert.Equal(4, result.Resources.OfType<DestinationRule>().Count());
    }

    [Fact]
    public void LoadText_MultiDocument_KeepsFileAndLineOfEachResource()
    {
        const string yaml = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: a
            spec:
              host: a
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata:
              name: b
              namespace: shop
            spec:
              host: b
              subsets:
              - name: v1
                labels:
                  version: v1
            """;

        var result = ConfigLoader.LoadText(yaml, "rules.yaml");

        Assert.Empty(result.Findings);
        var b = Assert.IsType<DestinationRule>(result.Resources[1]);
        Assert.Equal("shop", b.Namespace);
        Assert.Equal(new Source.SourceSpan("rules.yaml", 16, 5), b.Subsets[0].Source);
        Assert.Equal(8, b.Document!.FirstLine);
    }

    [Fact]
    public void LoadText_SyntaxError_ReportsFileLineAndReason()
    {
        var result = ConfigLoader.LoadText("apiVersion: networking.istio.io/v1\nkind: [VirtualService\n", "broken.yaml");

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.YamlSyntax.Code, finding.Code);
        Assert.Equal("broken.yaml", finding.Source.File);
        Assert.True(finding.Source.Line >= 2);
        Assert.Empty(result.Resources);
    }
}
