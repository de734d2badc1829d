using k8s;
using k8s.Models;
using Mesh.Kubernetes.Injection;

namespace Mesh.Kubernetes.Manifests;

/// <summary>One file of the output folder: its name and its documents (typed objects, or Istio YAML kept as text).</summary>
public sealed record ManifestFile(string Name, IReadOnlyList<object> Documents);

/// <summary>
/// The complete set for one mesh: the namespace; the control plane (Deployment, Service, ServiceAccount, RBAC limited
/// to what it watches, the injection webhook, a PodDisruptionBudget); Istio's CRDs; the mesh config as custom
/// resources; the ingress gateway (Deployment, LoadBalancer Service); and every workload (Deployment with the
/// sidecar injected, Service per app, ServiceAccount, PodDisruptionBudget), with probes on the real health endpoints
/// and resource requests and limits.
/// </summary>
public static class KubernetesManifests
{
    public const string ControlPlane = "mesh-controlplane";

    /// <summary>The service account whose tokens (kubectl create token meshctl) the admin API lets change things.</summary>
    public const string Meshctl = "meshctl";
    public const string WebhookName = "mesh-sidecar-injector";

    public static IReadOnlyList<ManifestFile> Build(MeshManifestModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var injection = new InjectionSettings(model.Images.For(model.ProxyImage), $"http://{ControlPlane}.{model.Namespace}.svc:{MeshPorts.Discovery}");
        var files = new List<ManifestFile>
        {
            new("namespace.yaml", [Namespace(model.Namespace)]),
            new("crds.yaml", [.. IstioCrds.All()]),
            new("controlplane.yaml", ControlPlaneObjects(model)),
        };
        files.AddRange(model.Gateways.Select(g => new ManifestFile($"{g.Name}.yaml", GatewayObjects(model, g))));
        foreach (var app in model.Workloads.GroupBy(w => w.App))
        {
            var objects = new List<object> { AppService(model.Namespace, app.Key, app.First().Ports), Budget(model.Namespace, app.Key, Labels(app.Key)) };
            objects.AddRange(app.Select(w => w.ServiceAccount).Distinct(StringComparer.Ordinal).Select(sa => Account(model.Namespace, sa)));
            objects.AddRange(app.Select(w => Workload(model, w, injection)));
            files.Add(new ManifestFile($"{app.Key}.yaml", objects));
        }

        if (model.ConfigDocuments.Count > 0)
        {
            files.Add(new ManifestFile("mesh-config.yaml", [.. model.ConfigDocuments]));
        }

        return files;
    }

    /// <summary>kustomization.yaml: every file, in order, in the namespace, with the images as kustomize can retag them.</summary>
    public static string Kustomization(MeshManifestModel model, IEnumerable<ManifestFile> files)
    {
        ArgumentNullException.ThrowIfNull(model);
        var resources = string.Join("", files.Select(f => $"- {f.Name}\n"));
        return $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: {model.Namespace}
            resources:
            {resources.TrimEnd()}
            labels:
            - pairs:
                app.kubernetes.io/part-of: mesh
            """ + "\n";
    }

    private static V1Namespace Namespace(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["istio-injection"] = "enabled" } },
    };

    private static List<object> ControlPlaneObjects(MeshManifestModel model)
    {
        var labels = new Dictionary<string, string> { ["app"] = ControlPlane, ["istio"] = "pilot" };
        var ns = model.Namespace;
        var container = new V1Container
        {
            Name = "controlplane",
            Image = model.Images.For(model.ControlPlaneImage),
            Env =
            [
                new V1EnvVar { Name = "ControlPlane__Discovery", Value = "Kubernetes" },
                new V1EnvVar { Name = "ControlPlane__GrpcListen", Value = $"0.0.0.0:{MeshPorts.Discovery}" },
                new V1EnvVar { Name = "ControlPlane__HttpListen", Value = $"0.0.0.0:{MeshPorts.ControlPlaneHttp}" },
                new V1EnvVar { Name = "ControlPlane__WebhookListen", Value = $"0.0.0.0:{MeshPorts.Webhook}" },
                new V1EnvVar { Name = "ControlPlane__StateDirectory", Value = "/var/lib/mesh" },
                new V1EnvVar { Name = "ControlPlane__ConfigDirectory", Value = "/etc/mesh/config" },
                new V1EnvVar { Name = "ControlPlane__ProxyImage", Value = model.Images.For(model.ProxyImage) },
                new V1EnvVar { Name = "ControlPlane__ServiceName", Value = ControlPlane },
                // The admin API takes tokens the API server vouches for (TokenReview): the meshctl service account may change,
                // Prometheus may read. Config itself is the Istio custom resources, under the API server's RBAC.
                new V1EnvVar { Name = "ControlPlane__Admin__Editors__0", Value = $"system:serviceaccount:{ns}:{Meshctl}" },
                new V1EnvVar { Name = "ControlPlane__Admin__Viewers__0", Value = $"system:serviceaccount:{ns}:prometheus" },
                new V1EnvVar { Name = "ControlPlane__Namespace", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
            ],
            Ports =
            [
                new V1ContainerPort { Name = "grpc-xds", ContainerPort = MeshPorts.Discovery },
                new V1ContainerPort { Name = "http-monitoring", ContainerPort = MeshPorts.ControlPlaneHttp },
                new V1ContainerPort { Name = "https-webhook", ContainerPort = MeshPorts.Webhook },
            ],
            ReadinessProbe = HttpProbe("/health", MeshPorts.ControlPlaneHttp, period: 3),
            LivenessProbe = HttpProbe("/health", MeshPorts.ControlPlaneHttp, period: 10),
            Resources = SidecarInjector.Resources("200m", "256Mi", "2", "512Mi"),
            VolumeMounts =
            [
                new V1VolumeMount { Name = "state", MountPath = "/var/lib/mesh" },
                new V1VolumeMount { Name = "config", MountPath = "/etc/mesh/config" },
            ],
            SecurityContext = Restricted(),
        };
        return
        [
            Account(ns, ControlPlane),
            Account(ns, Meshctl),
            new V1ClusterRole
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "ClusterRole",
                Metadata = new V1ObjectMeta { Name = ControlPlane },
                Rules =
                [
                    new V1PolicyRule { ApiGroups = ["discovery.k8s.io"], Resources = ["endpointslices"], Verbs = ["get", "list", "watch"] },
                    new V1PolicyRule { ApiGroups = [""], Resources = ["pods", "services", "namespaces"], Verbs = ["get", "list", "watch"] },
                    .. IstioCrds.Kinds.GroupBy(k => k.Group).Select(g => new V1PolicyRule
                    {
                        ApiGroups = [g.Key], Resources = [.. g.Select(k => k.Plural)], Verbs = ["get", "list", "watch"],
                    }),
                    new V1PolicyRule
                    {
                        ApiGroups = ["admissionregistration.k8s.io"], Resources = ["mutatingwebhookconfigurations"],
                        ResourceNames = [WebhookName], Verbs = ["get", "patch"],
                    },

                    // The CA asks the API server who a sidecar's projected token belongs to.
                    new V1PolicyRule { ApiGroups = ["authentication.k8s.io"], Resources = ["tokenreviews"], Verbs = ["create"] },
                ],
            },
            new V1ClusterRoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "ClusterRoleBinding",
                Metadata = new V1ObjectMeta { Name = ControlPlane },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = ControlPlane },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ControlPlane, NamespaceProperty = ns }],
            },
            new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = new V1ObjectMeta { Name = $"{ControlPlane}-config", NamespaceProperty = ns },
                Data = new Dictionary<string, string> { ["README"] = "Mesh config lives in the Istio custom resources (mesh-config.yaml); files here are loaded as well.\n" },
            },
            Deployment(ns, ControlPlane, labels, 1, new V1PodSpec
            {
                ServiceAccountName = ControlPlane,
                Containers = [container],
                Volumes =
                [
                    new V1Volume { Name = "state", EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = $"{ControlPlane}-config" } },
                ],
            }, annotations: new Dictionary<string, string> { [SidecarInjector.InjectAnnotation] = "false" }),
            Service(ns, ControlPlane, labels, "ClusterIP",
            [
                new V1ServicePort { Name = "grpc-xds", Port = MeshPorts.Discovery, TargetPort = MeshPorts.Discovery },
                new V1ServicePort { Name = "http-monitoring", Port = MeshPorts.ControlPlaneHttp, TargetPort = MeshPorts.ControlPlaneHttp },
                new V1ServicePort { Name = "https-webhook", Port = 443, TargetPort = MeshPorts.Webhook },
            ]),
            Budget(ns, ControlPlane, labels),
            new V1MutatingWebhookConfiguration
            {
                ApiVersion = "admissionregistration.k8s.io/v1",
                Kind = "MutatingWebhookConfiguration",
                Metadata = new V1ObjectMeta { Name = WebhookName },
                Webhooks =
                [
                    new V1MutatingWebhook
                    {
                        Name = "sidecar-injector.mesh.io",
                        AdmissionReviewVersions = ["v1"],
                        SideEffects = "None",
                        FailurePolicy = "Fail",
                        ReinvocationPolicy = "Never",
                        TimeoutSeconds = 10,
                        ClientConfig = new Admissionregistrationv1WebhookClientConfig
                        {
                            // caBundle is written by the control plane at start: its own root, which signs the webhook's certificate.
                            Service = new Admissionregistrationv1ServiceReference { Name = ControlPlane, NamespaceProperty = ns, Path = "/inject", Port = 443 },
                        },
                        NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["istio-injection"] = "enabled" } },
                        ObjectSelector = new V1LabelSelector
                        {
                            MatchExpressions = [new V1LabelSelectorRequirement { Key = "sidecar.istio.io/inject", OperatorProperty = "NotIn", Values = ["false"] }],
                        },
                        Rules = [new V1RuleWithOperations { ApiGroups = [""], ApiVersions = ["v1"], Operations = ["CREATE"], Resources = ["pods"], Scope = "Namespaced" }],
                    },
                ],
            },
        ];
    }

    private static List<object> GatewayObjects(MeshManifestModel model, GatewaySpec gateway)
    {
        var ns = model.Namespace;
        var labels = new Dictionary<string, string> { ["app"] = gateway.Name, ["istio"] = "ingressgateway" };
        var listen = new List<V1EnvVar>
        {
            new() { Name = "Mesh__Mode", Value = "Gateway" },
            new() { Name = "Mesh__ControlPlane", Value = $"http://{ControlPlane}.{ns}.svc:{MeshPorts.Discovery}" },
            new() { Name = "Mesh__Admin", Value = $"127.0.0.1:{MeshPorts.ProxyAdmin}" },
            new() { Name = "Mesh__StatsListen", Value = $"0.0.0.0:{MeshPorts.ProxyStats}" },
            new() { Name = "Mesh__HealthListen", Value = $"0.0.0.0:{MeshPorts.ProxyHealth}" },
            new() { Name = "Mesh__GatewayListen__0", Value = $"0.0.0.0:{gateway.HttpPort}" },
            new() { Name = "Mesh__Workload__Name", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            new() { Name = "Mesh__ProxyId", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            new() { Name = "Mesh__Workload__Namespace", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
            new() { Name = "Mesh__Workload__ServiceAccount", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "spec.serviceAccountName" } } },
            new() { Name = "Mesh__ServiceAccountTokenFile", Value = SidecarInjector.TokenPath },
            new() { Name = "Mesh__Workload__Labels__istio", Value = "ingressgateway" },
            new() { Name = "Mesh__Workload__Labels__app", Value = gateway.Name },
        };
        var ports = new List<V1ContainerPort>
        {
            new() { Name = "http2", ContainerPort = gateway.HttpPort },
            new() { Name = "http-envoy-prom", ContainerPort = MeshPorts.ProxyStats },
            new() { Name = "health", ContainerPort = MeshPorts.ProxyHealth },
        };
        var servicePorts = new List<V1ServicePort> { new() { Name = "http2", Port = 80, TargetPort = gateway.HttpPort } };
        if (gateway.HttpsPort is { } https)
        {
            listen.Add(new V1EnvVar { Name = "Mesh__GatewayTlsListen__0", Value = $"0.0.0.0:{https}" });
            listen.Add(new V1EnvVar { Name = "Mesh__CredentialsDirectory", Value = "/etc/mesh/credentials" });
            ports.Add(new V1ContainerPort { Name = "https", ContainerPort = https });
            servicePorts.Add(new V1ServicePort { Name = "https", Port = 443, TargetPort = https });
        }

        var account = $"{gateway.Name}-service-account";
        return
        [
            Account(ns, account),
            Deployment(ns, gateway.Name, labels, 1, new V1PodSpec
            {
                ServiceAccountName = account,
                Volumes = [.. SidecarInjector.Volumes()],
                Containers =
                [
                    new V1Container
                    {
                        Name = "istio-proxy",
                        Image = model.Images.For(model.ProxyImage),
                        Env = listen,
                        Ports = ports,
                        ReadinessProbe = HttpProbe("/healthz/ready", MeshPorts.ProxyHealth, period: 2),
                        LivenessProbe = HttpProbe("/healthz/live", MeshPorts.ProxyHealth, period: 10),
                        Resources = SidecarInjector.Resources("100m", "64Mi", "2", "256Mi"),
                        SecurityContext = Restricted(),
                        VolumeMounts =
                        [
                            new V1VolumeMount { Name = "mesh-token", MountPath = Path.GetDirectoryName(SidecarInjector.TokenPath)!, ReadOnlyProperty = true },
                            new V1VolumeMount { Name = "mesh-tmp", MountPath = "/tmp" },
                        ],
                    },
                ],
            }, annotations: new Dictionary<string, string>
            {
                [SidecarInjector.InjectAnnotation] = "false",
                ["prometheus.io/scrape"] = "true",
                ["prometheus.io/port"] = MeshPorts.ProxyStats.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["prometheus.io/path"] = "/stats/prometheus",
            }),
            Service(ns, gateway.Name, labels, "LoadBalancer", servicePorts),
            Budget(ns, gateway.Name, labels),
        ];
    }

    private static V1Deployment Workload(MeshManifestModel model, WorkloadSpec workload, InjectionSettings injection)
    {
        var labels = new Dictionary<string, string> { ["app"] = workload.App, ["version"] = workload.Version };
        var first = workload.Ports[0];
        var app = new V1Container
        {
            Name = workload.App,
            Image = model.Images.For(workload.Image),
            Env = [.. workload.Environment.Select(e => new V1EnvVar { Name = e.Key, Value = e.Value })],
            Ports = [.. workload.Ports.Select(p => new V1ContainerPort { Name = p.Name, ContainerPort = p.ContainerPort })],
            ReadinessProbe = HttpProbe(workload.HealthPath, first.ContainerPort, period: 3),
            LivenessProbe = HttpProbe(workload.HealthPath, first.ContainerPort, period: 10),
            Resources = SidecarInjector.Resources("100m", "128Mi", "1", "256Mi"),
            SecurityContext = Restricted(),
        };
        var deployment = Deployment(model.Namespace, workload.Name, labels, workload.Replicas,
            new V1PodSpec { ServiceAccountName = workload.ServiceAccount, Containers = [app] });
        SidecarInjector.Inject(deployment.Spec.Template.Metadata, deployment.Spec.Template.Spec, injection, workload.Name, $"Deployment '{workload.Name}'");
        return deployment;
    }

    private static V1Service AppService(string ns, string app, IReadOnlyList<WorkloadPort> ports) =>
        Service(ns, app, new Dictionary<string, string> { ["app"] = app }, "ClusterIP",
            [.. ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.ServicePort, TargetPort = p.ContainerPort, AppProtocol = p.Name == "grpc" ? "grpc" : "http" })]);

    private static Dictionary<string, string> Labels(string app) => new() { ["app"] = app };

    private static V1Deployment Deployment(string ns, string name, Dictionary<string, string> labels, int replicas, V1PodSpec spec,
        Dictionary<string, string>? annotations = null) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = labels },
            Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels, Annotations = annotations }, Spec = spec },
        },
    };

    private static V1Service Service(string ns, string name, Dictionary<string, string> selector, string type, List<V1ServicePort> ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(selector) },
        Spec = new V1ServiceSpec { Type = type, Selector = selector, Ports = ports },
    };

    private static V1ServiceAccount Account(string ns, string name) => new()
    {
        ApiVersion = "v1",
        Kind = "ServiceAccount",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
    };

    private static V1PodDisruptionBudget Budget(string ns, string name, Dictionary<string, string> selector) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = selector } },
    };

    private static V1Probe HttpProbe(string path, int port, int period) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port },
        PeriodSeconds = period,
        TimeoutSeconds = 2,
        FailureThreshold = 3,
    };

    private static V1SecurityContext Restricted() => new()
    {
        AllowPrivilegeEscalation = false,
        RunAsNonRoot = true,
        RunAsUser = 1000,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };

    /// <summary>Serializes one document: typed objects with KubernetesClient's serializer, Istio YAML as written.</summary>
    public static string Serialize(object document) => document switch
    {
        string yaml => yaml.TrimEnd() + "\n",
        _ => KubernetesYaml.Serialize(document).TrimEnd() + "\n",
    };
}
