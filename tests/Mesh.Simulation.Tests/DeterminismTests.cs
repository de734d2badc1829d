using Xunit.Abstractions;
using Mesh.Config;
using Mesh.Simulation.Output;
using Mesh.Simulation.Topology;
using Mesh.TestSupport;

namespace Mesh.Simulation.Tests;

/// <summary>The same seed gives byte-identical results, and virtual time never waits for the wall clock.</summary>
public sealed class DeterminismTests(ITestOutputHelper output)
{
    [Fact]
    public void SameSeed_GivesByteIdenticalOutput_AndAnotherSeedDoesNot()
    {
        var topology = SimulatedTopology.Load(Simulate.Sample("retry-storm/topology.yaml"));
        var config = Simulate.ConfigFile("retry-storm/with-budget.yaml");
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        using var third = new TempDirectory();

        SimulationReport.WriteAll(Simulate.Run(topology, config, TimeSpan.FromSeconds(90), seed: 7), first.Path);
        SimulationReport.WriteAll(Simulate.Run(topology, config, TimeSpan.FromSeconds(90), seed: 7), second.Path);
        SimulationReport.WriteAll(Simulate.Run(topology, config, TimeSpan.FromSeconds(90), seed: 8), third.Path);

        foreach (var file in new[] { "metrics.prom", "timeline.csv", "timeline.svg", "report.md" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first.Path, file)), File.ReadAllBytes(Path.Combine(second.Path, file)));
        }

        Assert.NotEqual(File.ReadAllText(Path.Combine(first.Path, "metrics.prom")), File.ReadAllText(Path.Combine(third.Path, "metrics.prom")));
    }

    [Fact]
    public void OneSimulatedHour_RunsInVirtualTime()
    {
        var topology = SyntheticTopology.Layered(services: 20, replicas: 2, rate: 20);

        var result = Simulate.Run(topology, ConfigSet.Empty, TimeSpan.FromHours(1));

        output.WriteLine($"one simulated hour: {result.Metrics.IngressRequests:N0} requests, {result.Events:N0} events, {result.WallTime.TotalSeconds:0.0} s of wall-clock time");
        // About 20 a second for 3600 s (Poisson), every one answered, and the clock moved only by events. The bound is
        // an order of magnitude above what it takes on a busy two-core machine and far below an hour: it catches sleeping.
        Assert.InRange(result.Metrics.IngressRequests, 70_000, 74_000);
        Assert.Equal(100, result.SuccessPercent);
        Assert.True(result.WallTime < TimeSpan.FromMinutes(5), $"an hour of virtual time took {result.WallTime} of wall-clock time");
    }
}
