using System.Text.Json;
using k8s;
using k8s.Models;
using Mesh.Config.Registry;
using Mesh.Kubernetes.Injection;

namespace Mesh.ControlPlane.Kubernetes;

/// <summary>
/// The mesh's workloads as Kubernetes has them: one per pod that an EndpointSlice lists, with the pod's labels and
/// service account, its IP, and the ports of the Services that select it (service port by name, target port from
/// the slice). Ready follows the endpoint's condition. The workload's name is the Deployment's, as Istio's
/// <c>destination_workload</c>.
/// </summary>
public static class KubernetesWorkloads
{
    public static Dictionary<string, Workload> From(
        IEnumerable<JsonElement> pods, IEnumerable<JsonElement> endpointSlices, IEnumerable<JsonElement> services)
    {
        var podsByKey = pods.Select(p => KubernetesJson.Deserialize<V1Pod>(p.GetRawText()))
            .ToDictionary(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}", StringComparer.Ordinal);
        var servicePorts = services.Select(s => KubernetesJson.Deserialize<V1Service>(s.GetRawText()))
            .ToDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}", s => s.Spec?.Ports ?? [], StringComparer.Ordinal);
        var workloads = new Dictionary<string, Workload>(StringComparer.Ordinal);
        foreach (var slice in endpointSlices.Select(s => KubernetesJson.Deserialize<V1EndpointSlice>(s.GetRawText())))
        {
            var ns = slice.Metadata.NamespaceProperty;
            if (slice.Metadata.Labels?.TryGetValue("kubernetes.io/service-name", out var service) != true ||
                !servicePorts.TryGetValue($"{ns}/{service}", out var ports))
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.TargetRef is not { Kind: "Pod" } target || !podsByKey.TryGetValue($"{ns}/{target.Name}", out var pod) ||
                    endpoint.Addresses is not { Count: > 0 })
                {
                    continue;
                }

                var key = $"{ns}/{target.Name}";
                var slicePorts = (slice.Ports ?? []).Where(p => p.Port is not null).Select(p => new WorkloadPort(
                    p.Name ?? "http",
                    ports.FirstOrDefault(sp => sp.Name == p.Name)?.Port ?? p.Port!.Value,
                    p.Port!.Value));
                var existing = workloads.GetValueOrDefault(key);
                workloads[key] = new Workload
                {
                    Name = SidecarInjector.WorkloadName(pod.Metadata),
                    Namespace = ns,
                    Labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>()),
                    ServiceAccount = pod.Spec?.ServiceAccountName ?? "default",
                    Address = endpoint.Addresses[0],
                    Ports = [.. (existing?.Ports ?? []).Concat(slicePorts).DistinctBy(p => p.ServicePort)],
                    Healthy = endpoint.Conditions?.Ready != false,
                    IsGateway = pod.Metadata.Labels?.TryGetValue("istio", out var istio) == true && istio == "ingressgateway",
                };
            }
        }

        return workloads;
    }
}
