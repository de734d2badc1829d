using System.Reflection;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Manifests;

namespace Mesh.Kubernetes.Tests;

/// <summary>Loads YAML the strict way (an unknown field fails), with every Kubernetes kind and Istio's kinds known.</summary>
public static class StrictYaml
{
    private static readonly Dictionary<string, Type> Types = BuildTypes();

    public static List<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, Types, strict: true);

    private static Dictionary<string, Type> BuildTypes()
    {
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in typeof(V1Pod).Assembly.GetTypes())
        {
            if (type.GetCustomAttribute<KubernetesEntityAttribute>() is { } entity)
            {
                types[string.IsNullOrEmpty(entity.Group) ? $"{entity.ApiVersion}/{entity.Kind}" : $"{entity.Group}/{entity.ApiVersion}/{entity.Kind}"] = type;
            }
        }

        foreach (var kind in IstioCrds.Kinds)
        {
            foreach (var version in kind.Versions)
            {
                types[$"{kind.Group}/{version}/{kind.Name}"] = typeof(IstioResource);
            }
        }

        return types;
    }

    /// <summary>An Istio custom resource: strict at the top level, its spec is the mesh config loader's to check.</summary>
    public sealed class IstioResource : IKubernetesObject<V1ObjectMeta>
    {
        public string ApiVersion { get; set; } = "";

        public string Kind { get; set; } = "";

        public V1ObjectMeta Metadata { get; set; } = new();

        public Dictionary<string, object>? Spec { get; set; }
    }
}
