using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.Support;

/// <summary>Per-scenario setup and cleanup: a metrics baseline before, and the scenario's routing removed after.</summary>
[Binding]
public sealed class ScenarioHooks(MeshConfigDriver config, ProxyMetricsDriver metrics, TrafficDriver traffic, InstanceFaultDriver faults, IReqnrollOutputHelper output)
{
    [BeforeScenario(Order = 10)]
    public Task TakeMetricsBaseline() => metrics.TakeBaselineAsync();

    [AfterScenario]
    public async Task Cleanup()
    {
        if (traffic.LastReport is { } report)
        {
            output.WriteLine("Load report:\n" + report);
        }

        await faults.ClearAsync();
        await config.ResetAsync();
    }
}
