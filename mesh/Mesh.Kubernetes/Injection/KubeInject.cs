using System.Text;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Manifests;

namespace Mesh.Kubernetes.Injection;

/// <summary>
/// Static injection, as <c>istioctl kube-inject</c>: every workload document of a YAML stream (Deployment,
/// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) gets the sidecar; every other document passes unchanged.
/// </summary>
public static class KubeInject
{
    public static string InjectYaml(string yaml, InjectionSettings settings, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var output = new StringBuilder();
        foreach (var (document, line) in YamlStream.Documents(yaml))
        {
            if (output.Length > 0)
            {
                output.Append("---\n");
            }

            output.Append(InjectDocument(document, settings, $"{file}:{line}"));
        }

        return output.ToString();
    }

    private static string InjectDocument(string document, InjectionSettings settings, string where)
    {
        KubernetesObject head;
        try
        {
            head = KubernetesYaml.Deserialize<KubernetesObject>(document);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InjectionException($"{where}: not valid YAML: {e.Message}");
        }

        string Name(V1ObjectMeta? metadata) => $"{where}: {head.Kind} '{metadata?.Name}'";
        object? injected = head.Kind switch
        {
            "Deployment" => Strict<V1Deployment>(document, where) is var d && Template(d.Spec?.Template, d.Metadata, Name(d.Metadata), settings) ? d : null,
            "StatefulSet" => Strict<V1StatefulSet>(document, where) is var s && Template(s.Spec?.Template, s.Metadata, Name(s.Metadata), settings) ? s : null,
            "DaemonSet" => Strict<V1DaemonSet>(document, where) is var ds && Template(ds.Spec?.Template, ds.Metadata, Name(ds.Metadata), settings) ? ds : null,
            "ReplicaSet" => Strict<V1ReplicaSet>(document, where) is var rs && Template(rs.Spec?.Template, rs.Metadata, Name(rs.Metadata), settings) ? rs : null,
            "Job" => Strict<V1Job>(document, where) is var j && Template(j.Spec?.Template, j.Metadata, Name(j.Metadata), settings) ? j : null,
            "CronJob" => Strict<V1CronJob>(document, where) is var c && Template(c.Spec?.JobTemplate?.Spec?.Template, c.Metadata, Name(c.Metadata), settings) ? c : null,
            "Pod" => Strict<V1Pod>(document, where) is var p && p.Spec is not null &&
                SidecarInjector.Inject(p.Metadata ??= new V1ObjectMeta(), p.Spec, settings, SidecarInjector.WorkloadName(p.Metadata), Name(p.Metadata)) ? p : null,
            _ => null,
        };
        return (injected is null ? document : KubernetesYaml.Serialize(injected)).TrimEnd() + "\n";
    }

    private static bool Template(V1PodTemplateSpec? template, V1ObjectMeta? owner, string what, InjectionSettings settings)
    {
        if (template?.Spec is null)
        {
            throw new InjectionException($"{what} has no pod template (spec.template.spec)");
        }

        return SidecarInjector.Inject(template.Metadata ??= new V1ObjectMeta(), template.Spec, settings, owner?.Name ?? "unknown", what);
    }

    private static T Strict<T>(string document, string where)
    {
        try
        {
            return KubernetesYaml.Deserialize<T>(document, strict: true);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InjectionException($"{where}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
        }
    }
}
