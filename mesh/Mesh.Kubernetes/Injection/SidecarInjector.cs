using System.Globalization;
using System.Text.Json;
using k8s.Models;
using Mesh.Kubernetes.Manifests;

namespace Mesh.Kubernetes.Injection;

/// <summary>What the injector needs to know about the mesh it injects into.</summary>
public sealed record InjectionSettings(string ProxyImage, string ControlPlaneAddress);

/// <summary>A workload the injector cannot inject, with the file or request it came from.</summary>
public sealed class InjectionException(string message) : Exception(message);

/// <summary>
/// Adds the mesh to a pod spec, as Istio's injector does: an init container (<c>mesh-init</c>) that installs iptables
/// rules sending inbound traffic to the sidecar's 15006 and outbound to its 15001, except the sidecar's own (uid
/// 1337); and the sidecar container (<c>mesh-proxy</c>), which learns its workload from the downward API. The app's
/// HTTP probes are rewritten to the sidecar's health port, 15021 (<c>/app-health/{container}/{readyz|livez}</c>), which
/// forwards them, since the kubelet's probes would otherwise be intercepted too. Injecting twice changes nothing.
/// </summary>
public static class SidecarInjector
{
    public const string ProxyContainer = "mesh-proxy";
    public const string InitContainer = "mesh-init";

    /// <summary>Istio's annotation recording what was injected; its presence makes injection idempotent.</summary>
    public const string StatusAnnotation = "sidecar.istio.io/status";

    /// <summary>Istio's per-pod opt-out: <c>sidecar.istio.io/inject: "false"</c>.</summary>
    public const string InjectAnnotation = "sidecar.istio.io/inject";

    /// <summary>
    /// Injects into a pod's metadata and spec; returns false when already injected or opted out. The workload is what
    /// metrics and the registry call it (the Deployment's name); each pod's proxy id is its own name.
    /// </summary>
    public static bool Inject(V1ObjectMeta metadata, V1PodSpec spec, InjectionSettings settings, string workload, string what)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(settings);
        if (spec?.Containers is not { Count: > 0 })
        {
            throw new InjectionException($"{what} has no containers to put a sidecar beside");
        }

        metadata.Annotations ??= new Dictionary<string, string>();
        if (metadata.Annotations.ContainsKey(StatusAnnotation) || spec.Containers.Any(c => c.Name == ProxyContainer) ||
            metadata.Annotations.TryGetValue(InjectAnnotation, out var inject) && inject == "false")
        {
            return false;
        }

        var probes = new List<V1EnvVar>();
        var inbound = new List<V1EnvVar>();
        var index = 0;
        foreach (var app in spec.Containers)
        {
            foreach (var port in app.Ports ?? [])
            {
                var name = port.Name ?? $"port-{port.ContainerPort}";
                inbound.Add(Env($"Mesh__Inbound__{index}__Name", name));
                inbound.Add(Env($"Mesh__Inbound__{index}__ServicePort", port.ContainerPort.ToString(CultureInfo.InvariantCulture)));
                inbound.Add(Env($"Mesh__Inbound__{index}__App", $"127.0.0.1:{port.ContainerPort}"));
                index++;
            }

            app.ReadinessProbe = RewriteProbe(app, app.ReadinessProbe, "readyz", probes);
            app.LivenessProbe = RewriteProbe(app, app.LivenessProbe, "livez", probes);
        }

        spec.InitContainers ??= [];
        spec.InitContainers.Insert(0, Init(settings));
        spec.Containers.Add(Proxy(settings, workload, [.. inbound, .. probes]));
        spec.Volumes ??= [];
        foreach (var volume in Volumes())
        {
            spec.Volumes.Add(volume);
        }
        metadata.Annotations[StatusAnnotation] = JsonSerializer.Serialize(new Dictionary<string, string[]>
        {
            ["initContainers"] = [InitContainer],
            ["containers"] = [ProxyContainer],
        });
        metadata.Annotations["prometheus.io/scrape"] = "true";
        metadata.Annotations["prometheus.io/port"] = MeshPorts.ProxyStats.ToString(CultureInfo.InvariantCulture);
        metadata.Annotations["prometheus.io/path"] = "/stats/prometheus";
        return true;
    }

    /// <summary>Where the sidecar finds its projected service-account token (audience <c>mesh-ca</c>), which the CA checks by TokenReview.</summary>
    public const string TokenPath = "/var/run/secrets/mesh/mesh-token";

    /// <summary>
    /// The volumes the sidecar needs: its projected token, rotated by the kubelet, and a writable /tmp (its root file
    /// system is read-only; PERMISSIVE plaintext is handed over on Unix sockets there).
    /// </summary>
    public static IReadOnlyList<V1Volume> Volumes() =>
    [
        new V1Volume
        {
            Name = "mesh-token",
            Projected = new V1ProjectedVolumeSource
            {
                Sources = [new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Audience = "mesh-ca", ExpirationSeconds = 43200, Path = "mesh-token" } }],
            },
        },
        new V1Volume { Name = "mesh-tmp", EmptyDir = new V1EmptyDirVolumeSource() },
    ];

    /// <summary>The rules the init container installs, as <c>iptables</c> arguments (nat table), in order.</summary>
    public static IReadOnlyList<string> IptablesArguments { get; } =
    [
        "--proxy-uid", MeshPorts.ProxyUid.ToString(CultureInfo.InvariantCulture),
        "--inbound-port", MeshPorts.Inbound.ToString(CultureInfo.InvariantCulture),
        "--outbound-port", MeshPorts.Outbound.ToString(CultureInfo.InvariantCulture),
        "--exclude-inbound-ports", $"{MeshPorts.ProxyStats.ToString(CultureInfo.InvariantCulture)},{MeshPorts.ProxyHealth.ToString(CultureInfo.InvariantCulture)}",
    ];

    private static V1Probe? RewriteProbe(V1Container app, V1Probe? probe, string kind, List<V1EnvVar> probes)
    {
        if (probe?.HttpGet is not { } get)
        {
            return probe;
        }

        var port = get.Port.Value is { } value && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : app.Ports?.FirstOrDefault(p => p.Name == get.Port.Value)?.ContainerPort
              ?? throw new InjectionException($"container '{app.Name}': probe port '{get.Port.Value}' is not one of its ports");
        probes.Add(Env($"Mesh__AppProbes__{app.Name}-{kind}", $"http://127.0.0.1:{port}{get.Path ?? "/"}"));
        probe.HttpGet = new V1HTTPGetAction { Path = $"/app-health/{app.Name}/{kind}", Port = MeshPorts.ProxyHealth, Scheme = "HTTP" };
        return probe;
    }

    private static V1Container Init(InjectionSettings settings) => new()
    {
        Name = InitContainer,
        Image = settings.ProxyImage,
        Args = ["iptables", .. IptablesArguments],
        SecurityContext = new V1SecurityContext
        {
            RunAsUser = 0,
            RunAsNonRoot = false,
            AllowPrivilegeEscalation = false,
            Capabilities = new V1Capabilities { Add = ["NET_ADMIN", "NET_RAW"], Drop = ["ALL"] },
        },
        Resources = Resources("10m", "16Mi", "100m", "64Mi"),
    };

    /// <summary>
    /// The workload a pod belongs to, as Istio names it: the Deployment of a ReplicaSet-owned pod (the ReplicaSet's
    /// name less its hash), else the owner, else the pod's generated-name prefix, else its name.
    /// </summary>
    public static string WorkloadName(V1ObjectMeta metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner)
        {
            return owner.Kind == "ReplicaSet" && owner.Name.LastIndexOf('-') is > 0 and var dash ? owner.Name[..dash] : owner.Name;
        }

        if (metadata.GenerateName is { Length: > 0 } generated)
        {
            var prefix = generated.TrimEnd('-');
            return metadata.Labels?.ContainsKey("pod-template-hash") == true && prefix.LastIndexOf('-') is > 0 and var dash ? prefix[..dash] : prefix;
        }

        return metadata.Name ?? "unknown";
    }

    private static V1Container Proxy(InjectionSettings settings, string workload, IEnumerable<V1EnvVar> extra) => new()
    {
        Name = ProxyContainer,
        Image = settings.ProxyImage,
        Env =
        [
            Env("Mesh__Mode", "Sidecar"),
            Env("Mesh__ControlPlane", settings.ControlPlaneAddress),
            Env("Mesh__Interception", "Iptables"),
            Env("Mesh__InboundCapture", $"0.0.0.0:{MeshPorts.Inbound}"),
            Env("Mesh__OutboundCapture", $"127.0.0.1:{MeshPorts.Outbound}"),
            // The admin listener only for the pod itself; stats and health are what the kubelet and Prometheus reach.
            Env("Mesh__Admin", $"127.0.0.1:{MeshPorts.ProxyAdmin}"),
            Env("Mesh__StatsListen", $"0.0.0.0:{MeshPorts.ProxyStats}"),
            Env("Mesh__HealthListen", $"0.0.0.0:{MeshPorts.ProxyHealth}"),
            Env("Mesh__ServiceAccountTokenFile", TokenPath),
            Env("Mesh__Workload__Name", workload),
            Field("Mesh__ProxyId", "metadata.name"),
            Field("Mesh__Workload__Namespace", "metadata.namespace"),
            Field("Mesh__Workload__Address", "status.podIP"),
            Field("Mesh__Workload__ServiceAccount", "spec.serviceAccountName"),
            Field("Mesh__Workload__Labels__app", "metadata.labels['app']"),
            Field("Mesh__Workload__Labels__version", "metadata.labels['version']"),
            .. extra,
        ],
        Ports =
        [
            new V1ContainerPort { Name = "http-envoy-prom", ContainerPort = MeshPorts.ProxyStats, Protocol = "TCP" },
            new V1ContainerPort { Name = "health", ContainerPort = MeshPorts.ProxyHealth, Protocol = "TCP" },
        ],
        VolumeMounts =
        [
            new V1VolumeMount { Name = "mesh-token", MountPath = "/var/run/secrets/mesh", ReadOnlyProperty = true },
            new V1VolumeMount { Name = "mesh-tmp", MountPath = "/tmp" },
        ],
        ReadinessProbe = new V1Probe
        {
            HttpGet = new V1HTTPGetAction { Path = "/healthz/ready", Port = MeshPorts.ProxyHealth },
            PeriodSeconds = 2,
            FailureThreshold = 30,
        },
        SecurityContext = new V1SecurityContext
        {
            RunAsUser = MeshPorts.ProxyUid,
            RunAsGroup = MeshPorts.ProxyUid,
            RunAsNonRoot = true,
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        },
        Resources = Resources("100m", "64Mi", "1", "128Mi"),
    };

    internal static V1ResourceRequirements Resources(string cpu, string memory, string cpuLimit, string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit), ["memory"] = new(memoryLimit) },
    };

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static V1EnvVar Field(string name, string path) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } };
}
