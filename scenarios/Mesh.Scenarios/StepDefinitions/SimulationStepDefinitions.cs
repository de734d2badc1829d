using Mesh.Config;
using Mesh.Scenarios.Drivers;
using Mesh.Simulation;
using Mesh.Simulation.Topology;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>
/// The simulator under the scenarios' vocabulary: a simulated mesh (generated at scale, or Bookinfo as the AppHost runs
/// it) with the same sample routing, run in virtual time; and its results set beside the real mesh's for calibration.
/// </summary>
[Binding]
public sealed class SimulationStepDefinitions(TrafficDriver traffic)
{
    private SimulatedTopology? _topology;
    private bool _bookinfo;
    private readonly List<string> _routing = [];
    private readonly List<FailureEvent> _events = [];
    private SimulationResult? _result;

    private SimulationResult Result => _result ?? throw new InvalidOperationException("no simulation has run in this scenario");

    [Given("a simulated mesh of {int} services with {int} replicas each, taking {int} requests per second")]
    public void GivenASimulatedMesh(int services, int replicas, int rate) => _topology = SyntheticTopology.Layered(services, replicas, rate);

    [Given("the simulated Bookinfo, taking {int} requests per second")]
    public void GivenTheSimulatedBookinfo(int rate) => (_topology, _bookinfo) = (Bookinfo(rate), true);

    /// <summary>The simulated Bookinfo starts from the mesh's config folder (its DestinationRules' subsets), as the real control plane does.</summary>
    private void UseTheMeshConfigFolder()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "config");
        if (!_routing.Contains(folder))
        {
            _routing.Insert(0, folder);
        }
    }

    [Given("the simulation runs with routing {string}")]
    public void GivenTheSimulationRunsWithRouting(string file) => _routing.Add(MeshConfigDriver.Sample(file));

    [Given("in the simulation {string} fails {int} percent of its requests with {int} from second {int}")]
    public void GivenInTheSimulationItFails(string instance, int percent, int status, int second) =>
        _events.Add(Event(instance, second) with { ErrorRate = percent / 100.0, ErrorStatus = status });

    [Given("in the simulation {string} slows down {int} times from second {int}")]
    public void GivenInTheSimulationItSlowsDown(string instance, int factor, int second) => _events.Add(Event(instance, second) with { Slowdown = factor });

    [When("the simulation runs for {int} seconds with seed {int}")]
    public void WhenTheSimulationRuns(int seconds, int seed) => Run(TimeSpan.FromSeconds(seconds), seed);

    [When("the last load is simulated on Bookinfo with the same routing, seed {int}")]
    public void WhenTheLastLoadIsSimulated(int seed)
    {
        // The real load's own rate and length, in the open model: as many requests, as fast, as the real mesh was sent.
        var report = traffic.LastReport ?? throw new InvalidOperationException("no real load has run in this scenario");
        (_topology, _bookinfo) = (Bookinfo(report.Requests / report.Elapsed.TotalSeconds), true);
        Run(report.Elapsed, seed);
    }

    [Then("the simulated callers saw at least {double} percent succeed")]
    public void ThenTheSimulatedCallersSucceeded(double percent) =>
        Assert.True(Result.SuccessPercent >= percent, $"{Result.SuccessPercent:0.000}% of simulated requests succeeded, wanted at least {percent}%\n{Summary()}");

    [Then("the simulated callers saw at most {double} percent succeed")]
    public void ThenTheSimulatedCallersFailed(double percent) =>
        Assert.True(Result.SuccessPercent <= percent, $"{Result.SuccessPercent:0.000}% of simulated requests succeeded, wanted at most {percent}%\n{Summary()}");

    [Then("the simulation counts about {int} percent of the calls to {string} on {string}, within {int} points")]
    public void ThenTheSimulationCountsTheSplit(int percent, string service, string version, int points)
    {
        var share = 100 * Result.ShareOf(service, version);
        Assert.True(Math.Abs(share - percent) <= points, $"{share:0.0}% of calls to {service} went to {version}, wanted {percent} ± {points}\n{Summary()}");
    }

    [Then("the simulated sidecars ejected an instance of {string}")]
    public void ThenTheSimulatedSidecarsEjected(string service) => Assert.True(Result.Ejections(service) > 0, $"no ejection of {service}\n{Summary()}");

    [Then("in the simulation {string} carried at most {double} times the calls it was sent")]
    public void ThenItCarriedAtMost(string service, double factor)
    {
        var ratio = (double)Result.LoadOn(service) / Math.Max(1, Result.RequestsTo(service));
        Assert.True(ratio <= factor, $"{service} took {ratio:0.00} attempts per call, wanted at most {factor}\n{Summary()}");
    }

    [Then("in the simulation {string} carried at least {double} times the calls it was sent")]
    public void ThenItCarriedAtLeast(string service, double factor)
    {
        var ratio = (double)Result.LoadOn(service) / Math.Max(1, Result.RequestsTo(service));
        Assert.True(ratio >= factor, $"{service} took {ratio:0.00} attempts per call, wanted at least {factor}\n{Summary()}");
    }

    [Then("the simulation's share of reviews on {string} is within {int} points of the real mesh's")]
    public void ThenTheSharesAgree(string version, int points)
    {
        var report = traffic.LastReport!;
        var real = 100.0 * report.Classes.GetValueOrDefault($"reviews-{version}") / report.Requests;
        var simulated = 100 * Result.ShareOf("reviews", version);
        Assert.True(Math.Abs(real - simulated) <= points, $"real {real:0.0}%, simulated {simulated:0.0}% on reviews {version} (tolerance {points} points)\n{report}\n{Summary()}");
    }

    [Then("the simulation's success rate is within {double} points of the real mesh's")]
    public void ThenTheSuccessRatesAgree(double points)
    {
        var report = traffic.LastReport!;
        var real = 100.0 * report.Succeeded / report.Requests;
        Assert.True(Math.Abs(real - Result.SuccessPercent) <= points,
            $"real {real:0.00}%, simulated {Result.SuccessPercent:0.00}% succeeded (tolerance {points} points)\n{report}\n{Summary()}");
    }

    private void Run(TimeSpan duration, int seed)
    {
        if (_bookinfo)
        {
            UseTheMeshConfigFolder();
        }

        // Later files replace earlier resources of the same kind, namespace and name, as applying them to the control plane does.
        var resources = new Dictionary<string, Config.Model.MeshResource>(StringComparer.Ordinal);
        foreach (var path in _routing)
        {
            var loaded = ConfigLoader.LoadPaths([path]);
            Assert.False(loaded.HasErrors, string.Join('\n', loaded.Findings));
            foreach (var resource in loaded.Resources)
            {
                resources[resource.Key] = resource;
            }
        }

        var topology = (_topology ?? throw new InvalidOperationException("no simulated mesh was given")) with { Events = [.. _topology.Events, .. _events] };
        _result = new MeshSimulation(topology, new ConfigSet(resources.Values), new SimulationOptions(seed)).Run(duration);
        Support.RunReport.Add($"Simulation: {_result.Metrics.IngressRequests:N0} requests over {duration.TotalSeconds:0} s of virtual time in {_result.WallTime.TotalSeconds:0.0} s, {_result.SuccessPercent:0.###}% succeeded\n\n");
    }

    private string Summary() => Mesh.Simulation.Output.SimulationReport.Summary(Result);

    /// <summary>The topology the AppHost runs, as the simulator sees it (samples/simulation/bookinfo), at a rate.</summary>
    private static SimulatedTopology Bookinfo(double rate)
    {
        var topology = SimulatedTopology.Load(Path.Combine(AppContext.BaseDirectory, "samples", "simulation", "bookinfo", "topology.yaml"));
        return topology with { Ingress = [topology.Ingress[0] with { Rate = rate }] };
    }

    /// <summary>An instance as the AppHost names it ("reviews-v2") is the simulated version; a generated service's name ("svc-012") is every replica of it.</summary>
    private static FailureEvent Event(string instance, int second)
    {
        var dash = instance.LastIndexOf('-');
        var versioned = dash > 0 && instance[(dash + 1)..].StartsWith('v') && instance[(dash + 1)..].Skip(1).All(char.IsAsciiDigit);
        return new FailureEvent(TimeSpan.FromSeconds(second), versioned ? instance[..dash] : instance, versioned ? instance[(dash + 1)..] : null, null, null, null, false, false);
    }
}
