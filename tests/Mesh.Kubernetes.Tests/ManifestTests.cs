using System.Diagnostics;
using k8s.Models;
using Mesh.Config;
using Mesh.Kubernetes.Manifests;
using Mesh.TestSupport;

namespace Mesh.Kubernetes.Tests;

public sealed class ManifestTests : IDisposable
{
    private readonly TempDirectory _output = new();

    public static MeshManifestModel Bookinfo { get; } = new("bookinfo", new ImageSettings("registry.example/mesh", "1.2.3"),
        [new GatewaySpec("istio-ingressgateway", 8080, 8443)],
        [
            new WorkloadSpec("details", "v1", "details", "bookinfo-details", [new WorkloadPort("http", 9080, 9080)]),
            new WorkloadSpec("ratings", "v1", "ratings", "bookinfo-ratings", [new WorkloadPort("http", 9080, 9080), new WorkloadPort("grpc", 9090, 9090)]),
            new WorkloadSpec("reviews", "v1", "reviews", "bookinfo-reviews", [new WorkloadPort("http", 9080, 9080)]),
            new WorkloadSpec("reviews", "v2", "reviews", "bookinfo-reviews", [new WorkloadPort("http", 9080, 9080)]),
            new WorkloadSpec("productpage", "v1", "productpage", "bookinfo-productpage", [new WorkloadPort("http", 9080, 9080)]),
        ])
    {
        ConfigDocuments = [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "config"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => YamlStream.Documents(File.ReadAllText(f)).Select(d => d.Text))],
    };

    [Fact]
    public void Write_EveryDocumentLoadsWithStrictYaml()
    {
        var objects = WrittenObjects();

        Assert.Contains(objects, o => o is V1Namespace);
        Assert.Equal(10, objects.OfType<V1CustomResourceDefinition>().Count());
        Assert.Contains(objects, o => o is StrictYaml.IstioResource { Kind: "VirtualService" });
        Assert.Contains(objects, o => o is V1MutatingWebhookConfiguration);
        Assert.Contains(objects, o => o is V1ClusterRole);
    }

    [Fact]
    public void Write_EveryWorkloadHasLabelsProbesResourcesAndTheSidecar()
    {
        var deployments = WrittenObjects().OfType<V1Deployment>().Where(d => d.Metadata.Labels.ContainsKey("version")).ToList();

        Assert.Equal(["details-v1", "productpage-v1", "ratings-v1", "reviews-v1", "reviews-v2"], deployments.Select(d => d.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(deployments, d =>
        {
            var pod = d.Spec.Template;
            Assert.Equal(d.Metadata.Labels, pod.Metadata.Labels);
            Assert.Contains(pod.Spec.InitContainers, c => c.Name == "mesh-init");
            Assert.All(pod.Spec.Containers, c =>
            {
                Assert.NotNull(c.ReadinessProbe?.HttpGet);
                Assert.NotNull(c.Resources?.Requests);
                Assert.NotNull(c.Resources?.Limits);
                Assert.StartsWith("registry.example/mesh/", c.Image, StringComparison.Ordinal);
                Assert.EndsWith(":1.2.3", c.Image, StringComparison.Ordinal);
            });
        });
    }

    [Fact]
    public void Write_ServicesAccountsBudgetsAndTheGateway()
    {
        var objects = WrittenObjects();
        var services = objects.OfType<V1Service>().ToDictionary(s => s.Metadata.Name);

        Assert.Equal("LoadBalancer", services["istio-ingressgateway"].Spec.Type);
        Assert.Equal([9080, 9090], services["ratings"].Spec.Ports.Select(p => p.Port));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "reviews" }, services["reviews"].Spec.Selector);
        Assert.Contains(objects.OfType<V1ServiceAccount>(), a => a.Metadata.Name == "bookinfo-reviews");
        Assert.Equal(["details", "istio-ingressgateway", "mesh-controlplane", "productpage", "ratings", "reviews"],
            objects.OfType<V1PodDisruptionBudget>().Select(b => b.Metadata.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_ControlPlaneMayOnlyReadWhatItWatches()
    {
        var role = WrittenObjects().OfType<V1ClusterRole>().Single();

        Assert.All(role.Rules.Where(r => r.ApiGroups[0] is not ("admissionregistration.k8s.io" or "authentication.k8s.io")),
            r => Assert.Equal(["get", "list", "watch"], r.Verbs));
        var webhook = Assert.Single(role.Rules, r => r.ApiGroups[0] == "admissionregistration.k8s.io");
        Assert.Equal([KubernetesManifests.WebhookName], webhook.ResourceNames);
        Assert.Equal(["create"], Assert.Single(role.Rules, r => r.ApiGroups[0] == "authentication.k8s.io").Verbs);
    }

    [Fact]
    public void Write_MeshConfigIsIstioYamlTheConfigLoaderAccepts()
    {
        ManifestFolder.Write(Bookinfo, _output.Path);

        var loaded = ConfigLoader.LoadPaths([Path.Combine(_output.Path, "mesh-config.yaml")]);

        Assert.False(loaded.HasErrors, string.Join('\n', loaded.Errors));
        Assert.Contains(loaded.Resources, r => r.Kind == "Gateway");
    }

    [SkippableFact]
    public void Write_KubectlKustomizeBuildsTheFolder()
    {
        Skip.IfNot(File.Exists("/usr/bin/kubectl"), "kubectl is not installed");
        ManifestFolder.Write(Bookinfo, _output.Path);

        var (code, output, error) = Run("/usr/bin/kubectl", "kustomize", _output.Path);

        Assert.True(code == 0, error);
        Assert.Contains("namespace: bookinfo", output, StringComparison.Ordinal);
        Assert.Equal(WrittenObjects().Count, StrictYaml.Load(output).Count);
    }

    [SkippableFact]
    public void Write_EveryDocumentValidatesAgainstTheKubernetesSchemas()
    {
        var schema = SchemaChecker();
        ManifestFolder.Write(Bookinfo, _output.Path);
        var files = Directory.EnumerateFiles(_output.Path, "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal));

        var (code, output, error) = Run("node", [Path.Combine(schema, "validate.mjs"), .. files]);

        Assert.True(code == 0, output + error);
        Assert.Contains(" 0 invalid", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void SchemaCheck_AnInvalidDeployment_IsCaught()
    {
        var schema = SchemaChecker();
        var file = Path.Combine(_output.Path, "broken.yaml");
        File.WriteAllText(file, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: many\n  selector: {}\n  template: {}\n");

        var (code, output, _) = Run("node", Path.Combine(schema, "validate.mjs"), file);

        Assert.Equal(1, code);
        Assert.Contains("replicas", output, StringComparison.Ordinal);
    }

    public void Dispose() => _output.Dispose();

    private List<object> WrittenObjects()
    {
        var files = ManifestFolder.Write(Bookinfo, _output.Path).Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal));
        return [.. files.SelectMany(f => StrictYaml.Load(File.ReadAllText(f)))];
    }

    /// <summary>The npm checker's folder; .ci/run installs its packages (npm ci).</summary>
    private static string SchemaChecker()
    {
        var folder = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../schema"));
        Skip.IfNot(Directory.Exists(Path.Combine(folder, "node_modules", "kubernetes-models")),
            $"npm packages of {folder} are not installed: run npm ci there (.ci/run does)");
        return folder;
    }

    private static (int Code, string Output, string Error) Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }
}
