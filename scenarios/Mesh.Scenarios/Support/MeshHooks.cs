using Mesh.Scenarios.Drivers;
using Reqnroll;
using Reqnroll.BoDi;

namespace Mesh.Scenarios.Support;

/// <summary>Starts the mesh once before the run, stops it after, and hands it to every scenario.</summary>
[Binding]
public sealed class MeshHooks
{
    private static RunningMesh? _mesh;
    // Calls to the control plane's admin API carry the operator credential, as meshctl's do; nothing else does.
    private static readonly HttpClient Http = new(new OperatorCredentialHandler(() => _mesh) { InnerHandler = new SocketsHttpHandler { UseProxy = false } })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    [BeforeTestRun]
    public static async Task StartMesh()
    {
        using var timeout = new CancellationTokenSource(RunningMesh.StartTimeout);
        _mesh = await RunningMesh.StartAsync(timeout.Token);
    }

    [AfterTestRun]
    public static async Task StopMesh()
    {
        RunReport.Write();
        if (_mesh is not null)
        {
            await _mesh.DisposeAsync();
        }

        Http.Dispose();
    }

    [BeforeScenario(Order = 0)]
    public static void ProvideMesh(IObjectContainer container)
    {
        container.RegisterInstanceAs(_mesh ?? throw new InvalidOperationException("the mesh did not start; see the BeforeTestRun failure"));
        container.RegisterInstanceAs(Http);
    }
}
