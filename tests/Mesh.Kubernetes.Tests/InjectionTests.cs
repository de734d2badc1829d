using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Injection;

namespace Mesh.Kubernetes.Tests;

public class InjectionTests
{
    private static readonly InjectionSettings Settings = new("registry.example/mesh/mesh-proxy:1.2.3", "http://mesh-controlplane.istio-system.svc:15010");

    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    [Fact]
    public void KubeInject_PinnedPodSpec()
    {
        var injected = KubeInject.InjectYaml(File.ReadAllText(Golden("reviews-v1.deployment.yaml")), Settings, "reviews-v1.deployment.yaml");

        // MESH_UPDATE_GOLDEN=1 rewrites the pinned file (in the source tree) after a deliberate change.
        var pinned = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../Golden/reviews-v1.injected.yaml"));
        if (Environment.GetEnvironmentVariable("MESH_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(pinned, injected);
        }

        Assert.Equal(File.ReadAllText(Golden("reviews-v1.injected.yaml")), injected);
    }

    [Fact]
    public void KubeInject_Twice_ChangesNothingTheSecondTime()
    {
        var once = KubeInject.InjectYaml(File.ReadAllText(Golden("reviews-v1.deployment.yaml")), Settings, "f.yaml");

        Assert.Equal(once, KubeInject.InjectYaml(once, Settings, "f.yaml"));
    }

    [Fact]
    public void KubeInject_OtherDocumentsPassUnchanged_AndEveryWorkloadLoadsStrictly()
    {
        var injected = KubeInject.InjectYaml(File.ReadAllText(Golden("reviews-v1.deployment.yaml")), Settings, "f.yaml");
        var objects = StrictYaml.Load(injected);

        var service = Assert.IsType<V1Service>(objects[1]);
        Assert.Equal("reviews", service.Metadata.Name);
        var pod = Assert.IsType<V1Deployment>(objects[0]).Spec.Template;
        Assert.Equal(["reviews", "mesh-proxy"], pod.Spec.Containers.Select(c => c.Name));
        Assert.Equal("mesh-init", Assert.Single(pod.Spec.InitContainers).Name);
        Assert.Equal("/app-health/reviews/readyz", pod.Spec.Containers[0].ReadinessProbe.HttpGet.Path);
        Assert.Contains(pod.Spec.Containers[1].Env, e => e is { Name: "Mesh__AppProbes__reviews-readyz", Value: "http://127.0.0.1:9080/health" });
    }

    [Fact]
    public void KubeInject_OptedOut_IsLeftAlone()
    {
        var yaml = File.ReadAllText(Golden("reviews-v1.deployment.yaml"))
            .Replace("    metadata:\n      labels:", "    metadata:\n      annotations:\n        sidecar.istio.io/inject: \"false\"\n      labels:", StringComparison.Ordinal);

        var deployment = (V1Deployment)StrictYaml.Load(KubeInject.InjectYaml(yaml, Settings, "f.yaml"))[0];

        Assert.Single(deployment.Spec.Template.Spec.Containers);
    }

    [Fact]
    public void KubeInject_DeploymentWithoutContainers_SaysWhichFileLineAndWorkload()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: empty\nspec:\n  selector: {}\n  template:\n    spec:\n      containers: []\n";

        var error = Assert.Throws<InjectionException>(() => KubeInject.InjectYaml(yaml, Settings, "deploy.yaml"));

        Assert.Equal("deploy.yaml:6: Deployment 'empty' has no containers to put a sidecar beside", error.Message);
    }

    [Fact]
    public void KubeInject_UnknownField_IsAnErrorWithTheFile()
    {
        const string yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typo\nspec:\n  replicaz: 2\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n";

        var error = Assert.Throws<InjectionException>(() => KubeInject.InjectYaml(yaml, Settings, "typo.yaml"));

        Assert.StartsWith("typo.yaml:1: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("replicaz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_PodReview_PatchGivesTheSamePodAsStaticInjection()
    {
        var template = ((V1Deployment)StrictYaml.Load(File.ReadAllText(Golden("reviews-v1.deployment.yaml")))[0]).Spec.Template;
        template.Metadata.GenerateName = "reviews-v1-5c9d8f7b4-";
        template.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "reviews-v1-5c9d8f7b4", Uid = "u", Controller = true }];
        var pod = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = template.Metadata, Spec = template.Spec };
        var review = Review(JsonNode.Parse(KubernetesJson.Serialize(pod)));

        var response = JsonNode.Parse(AdmissionWebhook.Review(review.ToJsonString(), Settings))!["response"]!;

        Assert.Equal("3f1c", response["uid"]!.GetValue<string>());
        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
        var patch = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(response["patch"]!.GetValue<string>())))!.AsArray();
        var patched = KubernetesJson.Deserialize<V1Pod>(JsonPatch.Apply(JsonNode.Parse(KubernetesJson.Serialize(pod))!, patch).ToJsonString());
        var expected = new V1Pod { Metadata = template.Metadata, Spec = template.Spec };
        SidecarInjector.Inject(expected.Metadata, expected.Spec, Settings, "reviews-v1", "expected");
        Assert.Equal(KubernetesJson.Serialize(expected.Spec), KubernetesJson.Serialize(patched.Spec));
        Assert.Equal(expected.Metadata.Annotations, patched.Metadata.Annotations);
    }

    [Theory]
    [InlineData("ReplicaSet", "reviews-v1-5c9d8f7b4", null, "reviews-v1")]
    [InlineData("StatefulSet", "ratings", null, "ratings")]
    [InlineData(null, null, "reviews-v2-77d9c-", "reviews-v2-77d9c")]
    public void WorkloadName_IsTheOwningWorkload(string? ownerKind, string? owner, string? generateName, string expected)
    {
        var metadata = new V1ObjectMeta
        {
            Name = "pod-xyz",
            GenerateName = generateName,
            OwnerReferences = ownerKind is null ? null : [new V1OwnerReference { Kind = ownerKind, Name = owner, ApiVersion = "apps/v1", Uid = "u", Controller = true }],
        };

        Assert.Equal(expected, SidecarInjector.WorkloadName(metadata));
    }

    [Fact]
    public void Webhook_AlreadyInjected_AllowsWithoutPatch()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [SidecarInjector.StatusAnnotation] = "{}" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "a", Image = "a" }] },
        };

        var response = JsonNode.Parse(AdmissionWebhook.Review(Review(JsonNode.Parse(KubernetesJson.Serialize(pod))).ToJsonString(), Settings))!["response"]!;

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
    }

    [Fact]
    public void Webhook_ReviewWithoutObject_IsRefusedWithTheReason()
    {
        var response = JsonNode.Parse(AdmissionWebhook.Review(Review(null).ToJsonString(), Settings))!["response"]!;

        Assert.False(response["allowed"]!.GetValue<bool>());
        Assert.Equal(400, response["status"]!["code"]!.GetValue<int>());
        Assert.Contains("no object", response["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "not JSON")]
    [InlineData("{\"kind\":\"Pod\"}", "not an AdmissionReview")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"request\":{}}", "no uid")]
    public void Webhook_NotAReview_IsAnError(string body, string reason) =>
        Assert.Contains(reason, Assert.Throws<InjectionException>(() => AdmissionWebhook.Review(body, Settings)).Message, StringComparison.Ordinal);

    private static JsonObject Review(JsonNode? pod) => new()
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "3f1c",
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["namespace"] = "bookinfo",
            ["operation"] = "CREATE",
            ["object"] = pod,
        },
    };
}
