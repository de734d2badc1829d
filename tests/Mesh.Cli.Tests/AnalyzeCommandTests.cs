using Mesh.TestSupport;

namespace Mesh.Cli.Tests;

public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Fact]
    public async Task Analyze_TheRepositoryConfig_IsCleanAndExitsZero()
    {
        var (exit, output, _) = await MeshCtlRunner.RunAsync(null, "analyze", MeshCtlRunner.Repo("config"));

        Assert.Equal(0, exit);
        Assert.Contains("No validation issues", output);
    }

    [Fact]
    public async Task Analyze_BrokenFile_PrintsFileLineColumnAndExitsOne()
    {
        var file = _folder.Write("broken.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v1}\n      weight: 0\n    - destination: {host: reviews, subset: v2}\n      weight: 0\n");

        var (exit, output, _) = await MeshCtlRunner.RunAsync(null, "analyze", file);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}:7:5: error MESH301:", output);
        Assert.Contains($"{file}:8:20: error MESH201:", output);
    }

    [Fact]
    public async Task Analyze_MissingPath_IsAnError()
    {
        var (exit, output, _) = await MeshCtlRunner.RunAsync(null, "analyze", Path.Combine(_folder.Path, "nowhere"));

        Assert.Equal(1, exit);
        Assert.Contains("no such file or directory", output);
    }

    [Fact]
    public async Task Analyze_JsonOutput_ListsFindings()
    {
        var file = _folder.Write("x.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hots: [a]\n");

        var (exit, output, _) = await MeshCtlRunner.RunAsync(null, "analyze", file, "-o", "json");

        Assert.Equal(1, exit);
        Assert.Contains("\"code\": \"MESH103\"", output);
    }

    public void Dispose() => _folder.Dispose();
}
