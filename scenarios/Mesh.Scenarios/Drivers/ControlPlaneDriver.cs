using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Mesh.Scenarios.Drivers;

/// <summary>Talks to the control plane's admin API, as meshctl does.</summary>
public sealed class ControlPlaneDriver(RunningMesh mesh, HttpClient http)
{
    public async Task<IReadOnlyList<ProxyRow>> ProxiesAsync(CancellationToken cancellationToken = default) =>
        await http.GetFromJsonAsync<ProxyRow[]>(new Uri(mesh.ControlPlane, "/api/proxies"), cancellationToken) ?? [];

    /// <summary>The newest config version any proxy has ACKed (versions are increasing numbers).</summary>
    public async Task<long> NewestAckedVersionAsync() =>
        (await ProxiesAsync()).Select(p => long.TryParse(p.AckedVersion, out var v) ? v : 0).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Waits until every proxy has ACKed the current config (and one newer than <paramref name="newerThan"/>, when
    /// given) and every workload is registered healthy.
    /// </summary>
    public async Task WaitUntilSyncedAsync(TimeSpan timeout, long newerThan = -1)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            var proxies = await ProxiesAsync(cancellation.Token);
            var registry = await http.GetFromJsonAsync<RegistryView>(new Uri(mesh.ControlPlane, "/api/registry"), cancellation.Token);
            var healthy = registry?.Workloads.Where(w => w.Healthy).Select(w => w.Name).ToHashSet() ?? [];
            if (proxies.Count >= RunningMesh.Workloads.Count + 1 && proxies.All(p => p.Status == "SYNCED") && RunningMesh.Workloads.All(healthy.Contains) &&
                proxies.All(p => long.TryParse(p.AckedVersion, out var v) && v > newerThan))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation.Token);
        }
    }

    /// <summary>One row of proxy status.</summary>
    public sealed record ProxyRow(string ProxyId, string Kind, string Workload, string AdminAddress, string? AckedVersion, string Status);

    private sealed record RegistryView([property: JsonPropertyName("workloads")] WorkloadRow[] Workloads);

    private sealed record WorkloadRow(string Name, bool Healthy);
}
