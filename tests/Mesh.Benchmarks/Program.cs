using System.Globalization;
using Mesh.Benchmarks;
using Mesh.Benchmarks.Scale;

// Child modes: the backend and the bare YARP forwarder run as their own processes.
switch (args)
{
    case ["backend"]:
        await Backend.RunAsync();
        return 0;
    case ["yarp", var port]:
        await BareYarp.RunAsync(int.Parse(port, CultureInfo.InvariantCulture), Topology.BackendPort);
        return 0;
}

var options = BenchOptions.Parse(args);
Console.WriteLine($"mesh-bench: {options.Rounds} round(s) of {options.Duration.TotalSeconds:0} s per measurement; scale simulation at {string.Join(", ", options.ScaleProxies)} proxies; results go to {options.Output}");
IReadOnlyList<PathResult> results = [], grpc = [];
if (options.DataPlane)
{
    if (PeerTools.Missing() is { } missing)
    {
        Console.Error.WriteLine($"mesh-bench: {missing}; the peers are measured with the same tools (or pass --scale-only)");
        return 2;
    }

    await using var topology = await Topology.StartAsync(Console.Out);
    results = await Benchmark.RunAsync(topology.Paths, options, Console.Out);
    grpc = await Benchmark.RunAsync(topology.GrpcPaths, options, Console.Out, Backend.GrpcCall);
}

var scale = new List<ScaleResult>();
foreach (var proxies in options.ScaleProxies)
{
    scale.Add(await ScaleSimulation.RunAsync(proxies, options.Churn, Console.Out));
    scale.Add(await ScaleSimulation.RunAsync(proxies, options.Churn, Console.Out, scoped: true));
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
await File.WriteAllTextAsync(options.Output, ResultsTable.Markdown(results, grpc, scale, options));
Console.WriteLine(await File.ReadAllTextAsync(options.Output));
return 0;
