using Mesh.TestSupport;

namespace Mesh.Cli.Tests;

/// <summary>apply, get, delete and proxy-status against a real control plane.</summary>
public sealed class ControlPlaneCommandsTests : IAsyncLifetime
{
    private readonly TempDirectory _config = new();
    private ControlPlaneHost _controlPlane = null!;

    public async Task InitializeAsync() => _controlPlane = await ControlPlaneHost.StartAsync(_config.Path);

    [Fact]
    public async Task Apply_Get_Delete_RoundTrip()
    {
        var file = MeshCtlRunner.Repo("samples/bookinfo/virtual-service-reviews-80-20.yaml");
        var rules = MeshCtlRunner.Repo("config/destination-rule-all.yaml");

        var applied = await MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "apply", "-f", rules, "-f", file);
        var listed = await MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "get", "vs");
        var shown = await MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "get", "virtualservice", "reviews");
        var deleted = await MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "delete", "vs", "reviews");
        var gone = await MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "get", "vs", "reviews");

        Assert.Equal(0, applied.Exit);
        Assert.Contains("virtualservice/reviews configured", applied.Out);
        Assert.Contains("reviews", listed.Out);
        Assert.Contains("weight: 80", shown.Out);
        Assert.Equal(0, deleted.Exit);
        Assert.Equal(1, gone.Exit);
        Assert.Contains("not found", gone.Error);
    }

    [Fact]
    public async Task Apply_RefusedConfig_ShowsTheFindingAndExitsOne()
    {
        var file = _config.Write("../bad-weights.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bad}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews}\n      weight: 0\n    - destination: {host: ratings}\n      weight: 0\n");

        var (exit, _, error) = await MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "apply", "-f", file);

        Assert.Equal(1, exit);
        Assert.Contains("MESH301", error);
        Assert.Contains("was refused", error);
    }

    [Fact]
    public async Task ProxyStatus_ListsConnectedProxiesAsSynced()
    {
        var empty = await MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "proxy-status");
        await using var workload = RegisteredWorkload.Connect(_controlPlane.GrpcAddress, RegisteredWorkload.Describe("reviews-v1", "reviews", "v1", "http", 9080, 19999));

        var row = await Eventually.Until(() => MeshCtlRunner.RunWithCredentialAsync(_controlPlane, "proxy-status"),
            r => r.Out.Contains("reviews-v1.default", StringComparison.Ordinal) && r.Out.Contains("SYNCED", StringComparison.Ordinal), "reviews-v1 to show as SYNCED");

        Assert.Contains("no proxies", empty.Out);
        Assert.Equal(0, row.Exit);
    }

    [Fact]
    public async Task NoCredential_AndNoLocalMesh_SaysHowToGetOne()
    {
        var missing = Path.Combine(_config.Path, "no-such-context.json");

        var (exit, _, error) = await MeshCtlRunner.RunAsync(_controlPlane.AdminAddress, null, name => name == "MESH_CONFIG" ? missing : null, "get", "vs");

        Assert.Equal(1, exit);
        Assert.Contains("needs a credential", error, StringComparison.Ordinal);
        Assert.Contains("--token", error, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project AppHost", error, StringComparison.Ordinal);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalContext_IsUsedWithNoFlags_AsTheAppHostWritesIt()
    {
        var credentials = Path.Combine(_config.Path, "state", "operator-credentials.json");
        new Mesh.Security.OperatorCredential(_controlPlane.AdminAddress.ToString(), _controlPlane.OperatorToken).Write(credentials);
        var context = Path.Combine(_config.Path, "config.json");
        new Mesh.Security.MeshContext(_controlPlane.AdminAddress.ToString(), credentials).Write(context);

        var (exit, output, error) = await MeshCtlRunner.RunAsync(null, null, name => name == "MESH_CONFIG" ? context : null, "proxy-status");

        Assert.True(exit == 0, error);
        Assert.Contains("NAME", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongToken_IsRefusedWithTheControlPlanesReason()
    {
        var (exit, _, error) = await MeshCtlRunner.RunAsync(_controlPlane.AdminAddress, "not-the-token", _ => null, "get", "vs");

        Assert.Equal(1, exit);
        Assert.Contains("other than the one given", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_ControlPlane_ExitsTwoWithAClearMessage()
    {
        var (exit, _, error) = await MeshCtlRunner.RunAsync(new Uri($"http://127.0.0.1:{FreePort.Next()}"), "proxy-status");

        Assert.Equal(2, exit);
        Assert.Contains("cannot reach the control plane", error);
        Assert.Contains("--control-plane", error);
    }

    public async Task DisposeAsync()
    {
        await _controlPlane.DisposeAsync();
        _config.Dispose();
    }
}
