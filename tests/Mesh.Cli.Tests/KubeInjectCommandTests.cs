using Mesh.TestSupport;

namespace Mesh.Cli.Tests;

public sealed class KubeInjectCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Fact]
    public async Task KubeInject_Deployment_PrintsItWithTheSidecarAndInitContainer()
    {
        var file = _folder.Write("details.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: details-v1\nspec:\n  selector:\n    matchLabels: {app: details}\n  template:\n    metadata:\n      labels: {app: details, version: v1}\n    spec:\n      containers:\n      - name: details\n        image: details:1\n");

        var (exit, output, _) = await MeshCtlRunner.RunAsync(null, "kube-inject", "-f", file, "--registry", "r.example/mesh", "--tag", "9", "--mesh-namespace", "istio-system");

        Assert.Equal(0, exit);
        Assert.Contains("name: mesh-proxy", output, StringComparison.Ordinal);
        Assert.Contains("name: mesh-init", output, StringComparison.Ordinal);
        Assert.Contains("image: r.example/mesh/mesh-proxy:9", output, StringComparison.Ordinal);
        Assert.Contains("value: http://mesh-controlplane.istio-system.svc:15010", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubeInject_DeploymentWithoutContainers_ExitsOneWithFileAndReason()
    {
        var file = _folder.Write("empty.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: empty\nspec:\n  selector: {}\n  template:\n    spec:\n      containers: []\n");

        var (exit, _, error) = await MeshCtlRunner.RunAsync(null, "kube-inject", "-f", file);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {file}:1: Deployment 'empty' has no containers to put a sidecar beside", error, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
