using System.Text.Json;
using k8s;
using Mesh.Config;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Registry;
using Mesh.Kubernetes.Manifests;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Kubernetes;

/// <summary>
/// The control plane on Kubernetes (<c>ControlPlane:Discovery=Kubernetes</c>): the registry follows Pods,
/// EndpointSlices and Services, and the config follows Istio's custom resources, each kept by a
/// <see cref="ResourceWatch"/> over the <see cref="KubernetesApi"/> connection. Every change updates the registry or the
/// config store, whose change notices drive the debounced push.
/// </summary>
public sealed partial class KubernetesDiscovery(
    IOptions<ControlPlaneOptions> options, KubernetesApi api, WorkloadRegistry registry, ConfigStore config, Security.CertificateService certificates,
    TimeProvider time, ILogger<KubernetesDiscovery> logger)
    : BackgroundService
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, JsonElement>> _collections = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public static string[] RegistryPaths { get; } = ["/api/v1/pods", "/apis/discovery.k8s.io/v1/endpointslices", "/api/v1/services"];

    /// <summary>Each Istio kind at the version the CRDs store it (the first).</summary>
    public static string[] ConfigPaths { get; } = [.. IstioCrds.Kinds.Select(k => $"/apis/{k.Group}/{k.Versions[0]}/{k.Plural}")];

    /// <summary>The watches, for tests and the admin API.</summary>
    public IReadOnlyList<ResourceWatch> Watches { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        registry.UseDiscoveryOnly();
        await PublishWebhookTrustAsync(api.Client, stoppingToken);
        Watches = [.. RegistryPaths.Concat(ConfigPaths).Select(path => new ResourceWatch(api.Http, api.BaseUri, path, items => Changed(path, items), time, logger))];
        await Task.WhenAll(Watches.Select(w => w.RunAsync(stoppingToken)));
    }

    /// <summary>
    /// Writes this control plane's CA roots into its webhook configuration's caBundle (as istiod patches its own), so
    /// the API server trusts the certificate the webhook serves. A failure is logged; injection then fails closed.
    /// </summary>
    private async Task PublishWebhookTrustAsync(k8s.Kubernetes client, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.WebhookListen))
        {
            return;
        }

        var bundle = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificates.Authority.TrustBundlePem));
        var patch = $"[{{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"{bundle}\"}}]";
        try
        {
            await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(
                new k8s.Models.V1Patch(patch, k8s.Models.V1Patch.PatchType.JsonPatch), Mesh.Kubernetes.Manifests.KubernetesManifests.WebhookName,
                cancellationToken: cancellationToken);
            LogWebhookTrust(logger, Mesh.Kubernetes.Manifests.KubernetesManifests.WebhookName);
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException)
        {
            LogWebhookTrustFailed(logger, Mesh.Kubernetes.Manifests.KubernetesManifests.WebhookName, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the CA roots into {Webhook}'s caBundle")]
    private static partial void LogWebhookTrust(ILogger logger, string webhook);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the CA roots into {Webhook}'s caBundle: {Reason}; sidecar injection will fail until it is fixed")]
    private static partial void LogWebhookTrustFailed(ILogger logger, string webhook, string reason);

    private Task Changed(string path, IReadOnlyDictionary<string, JsonElement> items)
    {
        lock (_lock)
        {
            _collections[path] = new Dictionary<string, JsonElement>(items, StringComparer.Ordinal);
            if (RegistryPaths.Contains(path))
            {
                registry.SetDiscovered(KubernetesWorkloads.From(Items(RegistryPaths[0]), Items(RegistryPaths[1]), Items(RegistryPaths[2])));
            }
            else
            {
                UpdateConfig(path);
            }
        }

        return Task.CompletedTask;
    }

    private void UpdateConfig(string changedPath)
    {
        var resources = new List<MeshResource>();
        var findings = new List<Finding>();
        foreach (var path in ConfigPaths)
        {
            foreach (var item in Items(path))
            {
                var loaded = ConfigLoader.LoadText(AsDocument(item), Source(item));
                resources.AddRange(loaded.Resources);
                findings.AddRange(loaded.Findings);
            }
        }

        config.SetDiscovered(resources, findings, $"kubernetes ({changedPath})");
    }

    private IEnumerable<JsonElement> Items(string path) => _collections.TryGetValue(path, out var items) ? items.Values : [];

    /// <summary>
    /// A custom resource as the config loader reads it: apiVersion, kind, the metadata a user writes (name, namespace,
    /// labels, annotations) and the spec, indented so that findings carry useful line numbers.
    /// </summary>
    internal static string AsDocument(JsonElement item)
    {
        var document = new Dictionary<string, object?>
        {
            ["apiVersion"] = item.GetProperty("apiVersion").GetString(),
            ["kind"] = item.GetProperty("kind").GetString(),
        };
        var metadata = item.GetProperty("metadata");
        var kept = new Dictionary<string, JsonElement>();
        foreach (var field in new[] { "name", "namespace", "labels", "annotations" })
        {
            if (metadata.TryGetProperty(field, out var value))
            {
                kept[field] = value;
            }
        }

        document["metadata"] = kept;
        if (item.TryGetProperty("spec", out var spec))
        {
            document["spec"] = spec;
        }

        return JsonSerializer.Serialize(document, Indented);
    }

    private static string Source(JsonElement item)
    {
        var metadata = item.GetProperty("metadata");
        return $"kubernetes:{item.GetProperty("kind").GetString()}/{(metadata.TryGetProperty("namespace", out var ns) ? ns.GetString() : "")}/{metadata.GetProperty("name").GetString()}";
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
