using k8s.Models;

namespace Mesh.Kubernetes.Manifests;

/// <summary>
/// CustomResourceDefinitions for the config kinds, in Istio's own groups, kinds and versions, so that
/// <c>kubectl apply -f</c> of existing Istio YAML works unchanged. The spec is kept as given
/// (<c>x-kubernetes-preserve-unknown-fields</c>): the control plane validates it, with file, line and reason, as it
/// does for the config folder.
/// </summary>
public static class IstioCrds
{
    public sealed record Kind(string Group, string Name, string Plural, string[] Versions, string[] ShortNames);

    public static IReadOnlyList<Kind> Kinds { get; } =
    [
        new("networking.istio.io", "VirtualService", "virtualservices", ["v1", "v1beta1", "v1alpha3"], ["vs"]),
        new("networking.istio.io", "DestinationRule", "destinationrules", ["v1", "v1beta1", "v1alpha3"], ["dr"]),
        new("networking.istio.io", "Gateway", "gateways", ["v1", "v1beta1", "v1alpha3"], ["gw"]),
        new("networking.istio.io", "ServiceEntry", "serviceentries", ["v1", "v1beta1", "v1alpha3"], ["se"]),
        new("networking.istio.io", "Sidecar", "sidecars", ["v1", "v1beta1", "v1alpha3"], []),
        new("networking.istio.io", "EnvoyFilter", "envoyfilters", ["v1alpha3"], []),
        new("security.istio.io", "PeerAuthentication", "peerauthentications", ["v1", "v1beta1"], ["pa"]),
        new("security.istio.io", "AuthorizationPolicy", "authorizationpolicies", ["v1", "v1beta1"], ["ap"]),
        new("security.istio.io", "RequestAuthentication", "requestauthentications", ["v1", "v1beta1"], ["ra"]),
        new("telemetry.istio.io", "Telemetry", "telemetries", ["v1", "v1alpha1"], ["telemetry"]),
    ];

    public static IEnumerable<V1CustomResourceDefinition> All() => Kinds.Select(Definition);

    public static V1CustomResourceDefinition Definition(Kind kind) => new()
    {
        ApiVersion = "apiextensions.k8s.io/v1",
        Kind = "CustomResourceDefinition",
        Metadata = new V1ObjectMeta
        {
            Name = $"{kind.Plural}.{kind.Group}",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "mesh" },
        },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = kind.Group,
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames
            {
                Kind = kind.Name,
                ListKind = kind.Name + "List",
                Plural = kind.Plural,
                Singular = kind.Name.ToLowerInvariant(),
                ShortNames = kind.ShortNames.Length > 0 ? kind.ShortNames : null,
                Categories = ["istio-io", kind.Group.Split('.')[0] + "-istio-io"],
            },
            Versions = [.. kind.Versions.Select((version, i) => new V1CustomResourceDefinitionVersion
            {
                Name = version,
                Served = true,
                Storage = i == 0,
                Subresources = new V1CustomResourceSubresources { Status = new object() },
                Schema = new V1CustomResourceValidation
                {
                    OpenAPIV3Schema = new V1JSONSchemaProps
                    {
                        Type = "object",
                        Properties = new Dictionary<string, V1JSONSchemaProps>
                        {
                            ["spec"] = new() { Type = "object", XKubernetesPreserveUnknownFields = true },
                            ["status"] = new() { Type = "object", XKubernetesPreserveUnknownFields = true },
                        },
                    },
                },
            })],
        },
    };
}
