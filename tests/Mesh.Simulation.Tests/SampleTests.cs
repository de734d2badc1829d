using Mesh.Config;
using Mesh.Simulation.Topology;

namespace Mesh.Simulation.Tests;

/// <summary>The samples the README runs load clean: each topology, and each Istio file beside it with no finding at all.</summary>
public sealed class SampleTests
{
    [Theory]
    [InlineData("retry-storm")]
    [InlineData("bookinfo")]
    public void Sample_LoadsClean(string sample)
    {
        var folder = Simulate.Sample(sample);
        var topology = SimulatedTopology.Load(Path.Combine(folder, "topology.yaml"));
        Assert.NotEmpty(topology.Services);
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Where(f => Path.GetFileName(f) != "topology.yaml"))
        {
            var loaded = ConfigLoader.LoadPaths([file]);
            Assert.True(loaded.Findings.Count == 0, $"{file}: {string.Join("; ", loaded.Findings)}");
            Assert.NotEmpty(loaded.Resources);
        }
    }
}
