using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Injection;

/// <summary>
/// The mutating admission webhook's logic: an <c>admission.k8s.io/v1</c> AdmissionReview for a Pod in, the same
/// review with a response out, whose JSONPatch injects the sidecar. The namespace selector of the webhook
/// configuration (<c>istio-injection=enabled</c>) decides which pods come here; a pod that opts out or is already
/// injected is allowed unchanged.
/// </summary>
public static class AdmissionWebhook
{
    /// <summary>Answers a review; a review that is not one throws <see cref="InjectionException"/> with the reason.</summary>
    public static string Review(string body, InjectionSettings settings)
    {
        JsonNode review;
        try
        {
            review = JsonNode.Parse(body) ?? throw new InjectionException("the body is empty, not an AdmissionReview");
        }
        catch (JsonException e)
        {
            throw new InjectionException($"the body is not JSON: {e.Message}");
        }

        if (review["kind"]?.GetValue<string>() != "AdmissionReview" || review["request"] is not JsonObject request)
        {
            throw new InjectionException("the body is not an AdmissionReview with a request");
        }

        var uid = request["uid"]?.GetValue<string>() ?? throw new InjectionException("the AdmissionReview's request has no uid");
        var response = new JsonObject { ["uid"] = uid, ["allowed"] = true };
        if (request["object"] is not JsonObject podJson)
        {
            response["allowed"] = false;
            response["status"] = new JsonObject { ["code"] = 400, ["message"] = "the AdmissionReview's request has no object (a Pod) to inject into" };
        }
        else if (Patch(podJson, settings, request["namespace"]?.GetValue<string>()) is { } patch)
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch.ToJsonString()));
        }

        return new JsonObject
        {
            ["apiVersion"] = review["apiVersion"]?.GetValue<string>() ?? "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["response"] = response,
        }.ToJsonString();
    }

    /// <summary>The JSONPatch that injects a pod, or null when it needs none.</summary>
    internal static JsonArray? Patch(JsonObject podJson, InjectionSettings settings, string? ns)
    {
        var pod = KubernetesJson.Deserialize<V1Pod>(podJson.ToJsonString());
        if (pod.Spec is null)
        {
            throw new InjectionException("the Pod has no spec");
        }

        var originalContainers = pod.Spec.Containers?.Count ?? 0;
        var hadAnnotations = pod.Metadata?.Annotations is not null;
        var hadInit = pod.Spec.InitContainers is not null;
        var hadVolumes = pod.Spec.Volumes is not null;
        var name = pod.Metadata?.Name ?? pod.Metadata?.GenerateName ?? "(unnamed)";
        pod.Metadata ??= new V1ObjectMeta();
        if (!SidecarInjector.Inject(pod.Metadata, pod.Spec, settings, SidecarInjector.WorkloadName(pod.Metadata), $"Pod '{name}' in '{ns}'"))
        {
            return null;
        }

        var patch = new JsonArray();
        JsonNode ToNode(object value) => JsonNode.Parse(KubernetesJson.Serialize(value))!;
        if (podJson["metadata"] is null)
        {
            patch.Add(Op("add", "/metadata", new JsonObject()));
        }

        if (!hadAnnotations)
        {
            patch.Add(Op("add", "/metadata/annotations", ToNode(pod.Metadata.Annotations)));
        }
        else
        {
            foreach (var key in new[] { SidecarInjector.StatusAnnotation, "prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path" })
            {
                patch.Add(Op("add", "/metadata/annotations/" + Escape(key), JsonValue.Create(pod.Metadata.Annotations[key])));
            }
        }

        patch.Add(hadInit
            ? Op("add", "/spec/initContainers/0", ToNode(pod.Spec.InitContainers![0]))
            : Op("add", "/spec/initContainers", ToNode(pod.Spec.InitContainers!)));
        for (var i = 0; i < originalContainers; i++)
        {
            patch.Add(Op("replace", $"/spec/containers/{i}", ToNode(pod.Spec.Containers![i])));
        }

        patch.Add(Op("add", "/spec/containers/-", ToNode(pod.Spec.Containers![^1])));
        if (hadVolumes)
        {
            foreach (var volume in SidecarInjector.Volumes())
            {
                patch.Add(Op("add", "/spec/volumes/-", ToNode(volume)));
            }
        }
        else
        {
            patch.Add(Op("add", "/spec/volumes", ToNode(pod.Spec.Volumes!)));
        }
        return patch;
    }

    private static JsonObject Op(string op, string path, JsonNode? value) => new() { ["op"] = op, ["path"] = path, ["value"] = value };

    /// <summary>RFC 6901: '~' is '~0' and '/' is '~1' inside a path segment.</summary>
    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
