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

    [Fact]
    public void Telemetry_ReadsAccessLogging_AndSaysWhatItIgnores()
    {
        const string yaml = """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: quiet, namespace: default}
            spec:
              selector:
                matchLabels: {app: reviews}
              accessLogging:
              - providers: [{name: envoy}]
                disabled: true
                filter: {expression: "response.code >= 400"}
              tracing:
              - randomSamplingPercentage: 10
            """;

        var result = ConfigLoader.LoadText(yaml, "telemetry.yaml");

        var telemetry = Assert.IsType<Mesh.Config.Model.Telemetry.Telemetry>(Assert.Single(result.Resources));
        Assert.Equal("reviews", telemetry.Selector!.Labels["app"]);
        Assert.True(telemetry.AccessLogging[0].Disabled);
        Assert.Equal(["envoy"], telemetry.AccessLogging[0].Providers);
        // Providers are read but not consumed (every proxy logs the same way): a warning, once, not one per provider field.
        // The tracing sampling percentage is implemented.
        Assert.Equal(10, telemetry.TraceSampling);
        Assert.Equal([(8, "providers"), (10, "filter")],
            result.Findings.Where(f => f.Code == FindingCodes.UnimplementedField.Code)
                .Select(f => (f.Source.Line, new[] { "providers", "filter", "tracing" }.First(w => f.Message.Contains($".{w} ", StringComparison.Ordinal)))).ToArray());
    }
}
