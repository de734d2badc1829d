using Mesh.Simulation.Topology;

namespace Mesh.Simulation.Tests;

/// <summary>A bad topology file is refused with file, line and reason, as bad Istio YAML is.</summary>
public sealed class TopologyFileTests
{
    [Fact]
    public void UnknownField_IsAnErrorWithItsLine()
    {
        var error = Assert.Throws<TopologyException>(() => SimulatedTopology.Parse("""
            services:
            - name: web
              replica: 3
            ingress: [{service: web, rate: 1}]
            """, "bad.yaml"));

        var finding = Assert.Single(error.Findings);
        Assert.Equal(("MESH103", "bad.yaml", 3), (finding.Code, finding.Source.File, finding.Source.Line));
    }

    [Fact]
    public void ImpossibleValues_AndCallsToNothing_AreReported()
    {
        var error = Assert.Throws<TopologyException>(() => SimulatedTopology.Parse("""
            services:
            - name: web
              versions: [{version: v1, errorRate: 1.5}]
              calls: [{to: nowhere}]
            ingress: [{service: web, rate: -5}]
            """, "bad.yaml"));

        Assert.Contains(error.Findings, f => f.Message.Contains("errorRate is 1.5", StringComparison.Ordinal) && f.Source.Line == 3);
        Assert.Contains(error.Findings, f => f.Message.Contains("'nowhere'", StringComparison.Ordinal));
        Assert.Contains(error.Findings, f => f.Message.Contains("rate is -5", StringComparison.Ordinal) && f.Source.Line == 5);
    }

    [Fact]
    public void MalformedYaml_IsASyntaxError()
    {
        var error = Assert.Throws<TopologyException>(() => SimulatedTopology.Parse("services: [\n", "bad.yaml"));
        Assert.Equal("MESH101", Assert.Single(error.Findings).Code);
    }
}
