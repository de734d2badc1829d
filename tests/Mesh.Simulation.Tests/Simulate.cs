using Mesh.Config;
using Mesh.Simulation;
using Mesh.Simulation.Topology;

namespace Mesh.Simulation.Tests;

/// <summary>Runs a topology with Istio YAML given as text or as a sample file.</summary>
internal static class Simulate
{
    public static string Sample(string path) => Path.Combine(AppContext.BaseDirectory, "samples", "simulation", path);

    public static ConfigSet Config(string yaml)
    {
        var loaded = ConfigLoader.LoadText(yaml, "test.yaml");
        Assert.False(loaded.HasErrors, string.Join('\n', loaded.Findings));
        return new ConfigSet(loaded.Resources);
    }

    public static ConfigSet ConfigFile(string path)
    {
        var loaded = ConfigLoader.LoadPaths([Sample(path)]);
        Assert.False(loaded.HasErrors, string.Join('\n', loaded.Findings));
        return new ConfigSet(loaded.Resources);
    }

    public static SimulationResult Run(SimulatedTopology topology, ConfigSet config, TimeSpan duration, int seed = 1) =>
        new MeshSimulation(topology, config, new SimulationOptions(seed)).Run(duration);
}
