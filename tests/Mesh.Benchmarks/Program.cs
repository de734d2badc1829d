using System.Globalization;
using Mesh.Benchmarks;
using Mesh.Benchmarks.Scale;

// Child modes: the backend and the bare YARP forwarder run as their own processes.
switch (args)
{
    case ["backend", var port]:
        await Backend.RunAsync(int.Parse(port, CultureInfo.InvariantCulture));
        return 0;
    case ["yarp", var port]:
        await BareYarp.RunAsync(int.Parse(port, CultureInfo.InvariantCulture), Topology.BackendPort);
        return 0;
}

var options = BenchOptions.Parse(args);
Console.WriteLine($"mesh-bench: {options.Rounds} round(s) of {options.Duration.TotalSeconds:0} s per measurement; scale simulation at {string.Join(", ", options.ScaleProxies)} proxies; results go to {options.Output}");
IReadOnlyList<PathResult> results = [];
if (options.DataPlane)
{
    await using var topology = await Topology.StartAsync(Console.Out);
    results = await Benchmark.RunAsync(topology, options, Console.Out);
}

var scale = new List<ScaleResult>();
foreach (var proxies in options.ScaleProxies)
{
    scale.Add(await ScaleSimulation.RunAsync(proxies, options.Churn, Console.Out));
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
await File.WriteAllTextAsync(options.Output, ResultsTable.Markdown(results, scale, options));
Console.WriteLine(await File.ReadAllTextAsync(options.Output));
return 0;
