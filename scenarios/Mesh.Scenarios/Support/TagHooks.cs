using Mesh.Chaos.Network;
using Reqnroll;
using Reqnroll.UnitTestProvider;

namespace Mesh.Scenarios.Support;

/// <summary>
/// Tags that decide whether a scenario runs here: @soak only on demand, @root only where namespaces can be made.
/// They run after the mesh is handed to the scenario (order 0), so the cleanup hooks of a skipped scenario still work.
/// </summary>
[Binding]
public static class TagHooks
{
    [BeforeScenario("soak", Order = 5)]
    public static void SoakRunsOnDemand(IUnitTestRuntimeProvider runtime)
    {
        if (Environment.GetEnvironmentVariable("MESH_SOAK") != "1")
        {
            runtime.TestIgnore("a soak scenario: run it with MESH_SOAK=1 (see README, The harness)");
        }
    }

    [BeforeScenario("root", Order = 5)]
    public static void NamespacesNeedRoot(IUnitTestRuntimeProvider runtime)
    {
        if (!NamespacedHosts.IsSupported(out var reason))
        {
            runtime.TestIgnore($"needs network namespaces and iptables: {reason}");
        }
    }
}
