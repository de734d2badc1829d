using System.Net;
using Mesh.Chaos.Actions;
using Mesh.Chaos.Network;
using Mesh.LoadDriver;
using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that break things on purpose, through the chaos engine. Every action is rolled back after the scenario.</summary>
[Binding]
public sealed class ChaosStepDefinitions(ChaosDriver chaos, TrafficDriver traffic, ControlPlaneDriver controlPlane)
{
    private const string ControlPlane = "controlplane";

    [Given("the chaos seed is {int}")]
    public void GivenTheChaosSeedIs(int seed) => chaos.Seed = seed;

    [When("after {int} responses one of {string} is killed")]
    public async Task WhenAfterResponsesOneOfIsKilled(int responses, string instances)
    {
        await traffic.WaitForResponsesAsync(responses);
        await chaos.RunAsync(new KillOneOf(chaos.Instances, [.. instances.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]));
    }

    [When("{string} is killed")]
    public Task WhenIsKilled(string instance) => chaos.RunAsync(new StopInstance(chaos.Instances, instance));

    [When("after {int} responses the control plane is killed")]
    public async Task WhenAfterResponsesTheControlPlaneIsKilled(int responses)
    {
        await traffic.WaitForResponsesAsync(responses);
        await chaos.RunAsync(new StopInstance(chaos.Instances, ControlPlane, Kill: true));
    }

    [When("after {int} responses the chaos is rolled back")]
    public async Task WhenAfterResponsesTheChaosIsRolledBack(int responses)
    {
        await traffic.WaitForResponsesAsync(responses);
        await chaos.RollbackAsync();
    }

    [When("the chaos is rolled back")]
    public Task WhenTheChaosIsRolledBack() => chaos.RollbackAsync();

    [Then("every proxy is connected and in sync again")]
    public Task ThenEveryProxyIsInSyncAgain() => controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(1));

    [When("a mesh fault delays {int} percent of requests to {string} by {int} ms")]
    public Task WhenAMeshFaultDelays(int percent, string host, int milliseconds) =>
        chaos.RunAsync(new MeshFault(chaos.MeshConfig, host, percent, Delay: TimeSpan.FromMilliseconds(milliseconds)));

    [When("a mesh fault aborts {int} percent of requests to {string} with {int}")]
    public Task WhenAMeshFaultAborts(int percent, string host, int status) =>
        chaos.RunAsync(new MeshFault(chaos.MeshConfig, host, percent, AbortStatus: status));

    [When("the network in front of the gateway adds {int} ms each way")]
    public Task WhenTheNetworkAddsDelay(int milliseconds) =>
        chaos.RunAsync(new NetworkDelay(chaos.DelayProxyToGateway(), TimeSpan.FromMilliseconds(milliseconds)));

    [Given("two hosts in their own network namespaces, {string} and {string}")]
    public void GivenTwoNamespacedHosts(string first, string second) => chaos.CreateHosts(first, second);

    [When("{int} requests are sent from {string} to {string} at {int} per second")]
    public async Task WhenRequestsAreSentBetweenHosts(int requests, string from, string to, int rate)
    {
        var hosts = chaos.Hosts ?? throw new InvalidOperationException("no namespaced hosts in this scenario");
        var server = _servers.TryGetValue(to, out var running) ? running : _servers[to] = new NamespacedHttpServer(hosts[to]);
        var client = hosts[from];
        var plan = new LoadPlan
        {
            Target = new Uri($"http://{server.Endpoint}/"),
            Requests = requests,
            RatePerSecond = rate,
            Connections = 4,
            Timeout = TimeSpan.FromSeconds(2),
            Network = new OwnNetwork(NamespacedHosts.Range, (context, ct) =>
                NamespacedHosts.ConnectAsync(client, new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), ct)),
        };
        plan.Validate();
        await using var target = LoadTargets.For(plan);
        await traffic.RunAsync(plan, target);
    }

    [When("{string} and {string} are partitioned")]
    public Task WhenPartitioned(string first, string second) =>
        chaos.RunAsync(new Partition(chaos.Hosts![first], chaos.Hosts[second]));

    [When("one packet in every {int} from {string} to {string} is lost")]
    public Task WhenPacketsAreLost(int every, string from, string to) =>
        chaos.RunAsync(new PacketLoss(chaos.Hosts![from], chaos.Hosts[to], every));

    [AfterScenario(Order = 0)]
    public async Task StopServers()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
    }

    private readonly Dictionary<string, NamespacedHttpServer> _servers = [];
}
