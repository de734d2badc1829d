using System.Net;
using Mesh.Chaos.Actions;
using Mesh.Chaos.Experiments;
using Mesh.Chaos.Network;
using Reqnroll;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// The chaos engine inside a scenario: one <see cref="ChaosSession"/> per scenario, seeded (1 unless a step sets
/// it), whose actions the steps run and whose rollbacks run after the scenario whatever happened. Also owns what the
/// actions need: the instance controller, a delay proxy in front of the gateway, and namespaced hosts.
/// </summary>
public sealed class ChaosDriver(RunningMesh mesh, MeshConfigDriver config, TrafficDriver traffic, IReqnrollOutputHelper output) : IAsyncDisposable
{
    private ChaosSession? _session;
    private DelayProxy? _delayProxy;

    public int Seed { get; set; } = 1;

    public AspireInstanceController Instances { get; } = new(mesh);

    public IMeshConfigClient MeshConfig => config;

    public NamespacedHosts? Hosts { get; private set; }

    public ExperimentJournal? Journal => _session?.Journal;

    public ChaosSession Session => _session ??= new ChaosSession("scenario", new ChaosContext(Seed, log: m => output.WriteLine($"chaos: {m}")));

    public Task RunAsync(IChaosAction action) => Session.RunAsync(action);

    /// <summary>Undoes every action so far (newest first); the scenario goes on with the mesh as it was.</summary>
    public Task RollbackAsync() => _session?.RollbackAsync() ?? Task.CompletedTask;

    /// <summary>Puts a delay proxy between the load and the gateway; later loads enter through it.</summary>
    public DelayProxy DelayProxyToGateway()
    {
        if (_delayProxy is null)
        {
            _delayProxy = new DelayProxy(new IPEndPoint(IPAddress.Loopback, mesh.Gateway.Port), Seed);
            traffic.Entry = new Uri($"http://{_delayProxy.Endpoint}");
        }

        return _delayProxy;
    }

    public NamespacedHosts CreateHosts(string first, string second)
    {
        if (!NamespacedHosts.IsSupported(out var reason))
        {
            throw new InvalidOperationException($"namespaced hosts are not available: {reason}");
        }

        return Hosts ??= NamespacedHosts.Create(first, second);
    }

    public async ValueTask DisposeAsync()
    {
        await RollbackAsync();
        if (_delayProxy is not null)
        {
            traffic.Entry = mesh.Gateway;
            await _delayProxy.DisposeAsync();
        }

        Hosts?.Dispose();
    }
}
