using System.Diagnostics;
using k8s.Models;
using Mesh.TestSupport;

namespace Mesh.Kubernetes.Tests;

/// <summary>The documented command: the app host's own publish step writes the manifests from its model.</summary>
public sealed class AppHostPublishTests : IDisposable
{
    private readonly TempDirectory _output = new();

    [Fact]
    public async Task PublishKubernetes_FromTheAppHost_WritesEveryPartAndKustomization()
    {
        var root = Repository();
        var appHost = Directory.EnumerateFiles(Path.Combine(root, "AppHost", "bin"), "AppHost.dll", SearchOption.AllDirectories).FirstOrDefault();
        Assert.True(appHost is not null, "the AppHost is not built (this project depends on it, so building the tests builds it)");

        var start = new ProcessStartInfo("dotnet", [appHost!, "--operation", "publish", "--step", "publish-kubernetes", "--output-path", _output.Path,
            "--Mesh:Kubernetes:Registry=registry.example/bookinfo", "--Mesh:Kubernetes:Tag=2.0.0", "--Mesh:Kubernetes:Namespace=bookinfo"])
        {
            WorkingDirectory = Path.Combine(root, "AppHost"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await output + error);
        Assert.Equal(
            ["controlplane.yaml", "crds.yaml", "details.yaml", "istio-ingressgateway.yaml", "kustomization.yaml", "mesh-config.yaml", "namespace.yaml", "productpage.yaml", "ratings.yaml", "reviews.yaml"],
            Directory.EnumerateFiles(_output.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var reviews = StrictYaml.Load(File.ReadAllText(Path.Combine(_output.Path, "reviews.yaml")));
        Assert.Equal(["reviews-v1", "reviews-v2", "reviews-v3"], reviews.OfType<V1Deployment>().Select(d => d.Metadata.Name));
        Assert.All(reviews.OfType<V1Deployment>(), d => Assert.Contains(d.Spec.Template.Spec.Containers, c => c.Image == "registry.example/bookinfo/mesh-proxy:2.0.0"));
        Assert.Contains("namespace: bookinfo", File.ReadAllText(Path.Combine(_output.Path, "kustomization.yaml")), StringComparison.Ordinal);
    }

    public void Dispose() => _output.Dispose();

    private static string Repository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("not inside the repository");
    }
}
