using System.CommandLine;
using System.Globalization;
using Mesh.Config;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Simulation;
using Mesh.Simulation.Output;
using Mesh.Simulation.Topology;

// simulate <topology> <config> --duration 10m --seed 1 --output <dir>: the mesh's policy code in virtual time.
var topologyArgument = new Argument<string>("topology") { Description = "The topology YAML: services, versions, replicas, calls, latency, failures, ingress rates" };
var configArgument = new Argument<string>("config") { Description = "Istio YAML (a file or a folder), as the mesh takes it" };
var duration = new Option<string>("--duration") { Description = "Virtual time to run arrivals for, e.g. 90s, 10m, 1h", DefaultValueFactory = _ => "60s" };
var seed = new Option<int>("--seed") { Description = "Seeds every random choice: the same seed gives the same results", DefaultValueFactory = _ => 1 };
var interval = new Option<string>("--interval") { Description = "Timeline resolution", DefaultValueFactory = _ => "10s" };
var output = new Option<string>("--output", "-o") { Description = "Where metrics.prom, timeline.csv, timeline.svg and report.md go", DefaultValueFactory = _ => "simulation" };
var root = new RootCommand("Simulate a mesh: the sidecar's own routing, load balancing, retries, retry budget, timeouts, connection-pool limits, outlier detection and faults, in virtual time")
{
    topologyArgument, configArgument, duration, seed, interval, output,
};
root.SetAction(result =>
{
    if (!Durations.TryParse(result.GetValue(duration)!, out var length) || length <= TimeSpan.Zero)
    {
        Console.Error.WriteLine($"--duration '{result.GetValue(duration)}' is not a positive duration such as 90s, 10m or 1h");
        return 2;
    }

    if (!Durations.TryParse(result.GetValue(interval)!, out var step) || step <= TimeSpan.Zero)
    {
        Console.Error.WriteLine($"--interval '{result.GetValue(interval)}' is not a positive duration");
        return 2;
    }

    SimulatedTopology topology;
    try
    {
        topology = SimulatedTopology.Load(result.GetValue(topologyArgument)!);
    }
    catch (TopologyException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    catch (IOException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }

    var loaded = ConfigLoader.LoadPaths([result.GetValue(configArgument)!]);
    foreach (var finding in loaded.Findings)
    {
        Console.Error.WriteLine(finding);
    }

    if (loaded.HasErrors)
    {
        return 1;
    }

    var simulation = new MeshSimulation(topology, new ConfigSet(loaded.Resources), new SimulationOptions(result.GetValue(seed), step));
    var run = simulation.Run(length);
    var files = SimulationReport.WriteAll(run, result.GetValue(output)!);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{length.TotalSeconds:0} s simulated in {run.WallTime.TotalSeconds:0.0} s ({run.Events:N0} events); {run.Metrics.IngressRequests:N0} requests, {run.SuccessPercent:0.###} % succeeded"));
    foreach (var file in files)
    {
        Console.WriteLine($"  {file}");
    }

    return 0;
});
return root.Parse(args).Invoke();
