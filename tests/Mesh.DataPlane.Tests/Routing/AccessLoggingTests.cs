namespace Mesh.DataPlane.Tests.Routing;

/// <summary>Which Telemetry resource decides whether a proxy writes access logs: Istio's workload › namespace › root order.</summary>
public class AccessLoggingTests
{
    private static string Telemetry(string name, string ns, string? selector, bool disabled) => $$"""
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
        {{(selector is null ? "" : $"  selector: {{matchLabels: {{app: {selector}}}}}\n")}}  accessLogging:
          - disabled: {{(disabled ? "true" : "false")}}
        ---

        """;

    private static bool LogsFor(string yaml, string workload)
    {
        var workloads = Mesh.Bookinfo();
        return Mesh.Build(yaml + Mesh.ReviewsSubsets, workloads, workloads.Single(w => w.Name == workload)).Table.AccessLogging;
    }

    [Fact]
    public void WithoutTelemetry_LogsAreOn() => Assert.True(LogsFor("", "reviews-v1"));

    [Fact]
    public void RootNamespace_TurnsThemOffMeshWide_AndANamespaceOrWorkloadTurnsThemBackOn()
    {
        var off = Telemetry("mesh-default", "istio-system", null, disabled: true);
        Assert.False(LogsFor(off, "reviews-v1"));
        Assert.True(LogsFor(off + Telemetry("ns", "default", null, disabled: false), "reviews-v1"));
        Assert.True(LogsFor(off + Telemetry("only-ratings", "default", "ratings", disabled: false), "ratings-v1"));
        Assert.False(LogsFor(off + Telemetry("only-ratings", "default", "ratings", disabled: false), "reviews-v1"));
    }

    [Fact]
    public void AWorkloadSelector_BeatsItsNamespace()
    {
        var yaml = Telemetry("ns", "default", null, disabled: false) + Telemetry("quiet-reviews", "default", "reviews", disabled: true);
        Assert.False(LogsFor(yaml, "reviews-v2"));
        Assert.True(LogsFor(yaml, "productpage-v1"));
    }
}
