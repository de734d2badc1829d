using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Mesh.Kubernetes.Manifests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Aspire marks its publishing pipeline as evaluation API (ASPIREPIPELINES*); it is the way to add a publisher in 13.x.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004

namespace Aspire.Hosting;

/// <summary>
/// Publishing the mesh to Kubernetes from the app host's model, as an Aspire pipeline step (Aspire's own Kubernetes
/// publisher is not available here): <c>dotnet run --project AppHost -- --operation publish --step publish-kubernetes
/// --output-path deploy/kubernetes</c> writes one file per part and a kustomization.yaml. The image registry, tag and
/// namespace are the parameters <c>Mesh:Kubernetes:Registry</c>, <c>Mesh:Kubernetes:Tag</c> and
/// <c>Mesh:Kubernetes:Namespace</c>.
/// </summary>
public static class KubernetesPublishing
{
    public const string StepName = "publish-kubernetes";

    public static ServiceMesh PublishAsKubernetes(this ServiceMesh mesh)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        mesh.Builder.Pipeline.AddStep(StepName, context =>
        {
            var configuration = context.Services.GetRequiredService<IConfiguration>();
            var images = new ImageSettings(
                configuration["Mesh:Kubernetes:Registry"] ?? ImageSettings.Default.Registry,
                configuration["Mesh:Kubernetes:Tag"] ?? ImageSettings.Default.Tag);
            var model = mesh.ToManifestModel(configuration["Mesh:Kubernetes:Namespace"] ?? mesh.Namespace, images);
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var written = ManifestFolder.Write(model, output);
            context.Logger.LogInformation("Wrote {Count} Kubernetes manifests to {Directory} (apply with: kubectl apply -k {Directory})", written.Count, output, output);
            return Task.CompletedTask;
        }, requiredBy: WellKnownPipelineSteps.Publish);
        return mesh;
    }

    /// <summary>The app host's mesh as the manifests' model: workloads with their labels and ports, gateways, and the config folder.</summary>
    public static MeshManifestModel ToManifestModel(this ServiceMesh mesh, string @namespace, ImageSettings images)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var workloads = mesh.Workloads.Select(w => new WorkloadSpec(
            w.AppLabel,
            w.Version,
            ImageName(w.App.Resource),
            $"bookinfo-{w.AppLabel}",
            [.. w.Ports.Select(p => new WorkloadPort(p.Name, p.ServicePort, p.ServicePort))])
        {
            // In the cluster the app listens on its service port on every interface; iptables brings traffic to the sidecar first.
            Environment = new Dictionary<string, string>(
                w.Ports.SelectMany(p => new[]
                {
                    KeyValuePair.Create($"Kestrel__Endpoints__{p.Name}__Url", $"http://0.0.0.0:{p.ServicePort}"),
                    KeyValuePair.Create($"Kestrel__Endpoints__{p.Name}__Protocols", p.IsHttp2 ? "Http2" : "Http1"),
                })
                .Concat(mesh.ServicePorts.Select(s => KeyValuePair.Create($"services__{s.Service}__{s.Port.Name}__0", $"http://{s.Service}:{s.Port.ServicePort}")))
                .Append(KeyValuePair.Create("SERVICE_VERSION", w.Version)), StringComparer.Ordinal),
        }).ToArray();
        var gateways = mesh.GatewayPorts.Select(g => new GatewaySpec(g.Name, g.Port, g.TlsPort)).ToArray();
        var documents = Directory.Exists(mesh.ConfigDirectory)
            ? Directory.EnumerateFiles(mesh.ConfigDirectory, "*.yaml").Order(StringComparer.Ordinal)
                .SelectMany(f => YamlStream.Documents(File.ReadAllText(f)).Select(d => d.Text)).ToArray()
            : [];
        return new MeshManifestModel(@namespace, images, gateways, workloads) { ConfigDocuments = documents };
    }

    /// <summary>A project's image name: its project file's name in lower case (dotnet publish's default repository).</summary>
    private static string ImageName(ProjectResource project) =>
        Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath).ToLowerInvariant();
}
