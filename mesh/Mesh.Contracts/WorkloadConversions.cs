using Mesh.Config.Registry;

namespace Mesh.Contracts.Discovery;

/// <summary>Converts between the wire <c>Workload</c> and the registry model, so protobuf stays at the edge.</summary>
public static class WorkloadConversions
{
    public static Config.Registry.Workload ToModel(this Workload workload) => new()
    {
        Name = workload.Name,
        Namespace = string.IsNullOrEmpty(workload.Namespace) ? Config.Model.ResourceMeta.DefaultNamespace : workload.Namespace,
        Labels = new Dictionary<string, string>(workload.Labels),
        ServiceAccount = string.IsNullOrEmpty(workload.ServiceAccount) ? "default" : workload.ServiceAccount,
        Address = workload.Address,
        Ports = workload.Ports.Select(p => new Config.Registry.WorkloadPort(p.Name, (int)p.ServicePort, (int)p.Port)).ToArray(),
        Healthy = workload.Healthy,
        IsGateway = workload.Gateway,
    };

    public static Workload ToWire(this Config.Registry.Workload workload)
    {
        var wire = new Workload
        {
            Name = workload.Name,
            Namespace = workload.Namespace,
            ServiceAccount = workload.ServiceAccount,
            Address = workload.Address,
            Healthy = workload.Healthy,
            Gateway = workload.IsGateway,
        };
        foreach (var (key, value) in workload.Labels)
        {
            wire.Labels[key] = value;
        }

        wire.Ports.Add(workload.Ports.Select(p => new WorkloadPort { Name = p.Name, ServicePort = (uint)p.ServicePort, Port = (uint)p.Port }));
        return wire;
    }

    public static Config.Source.ConfigDocument ToModel(this ConfigDocument document) =>
        new(document.SourceFile, document.FirstLine, document.Yaml);

    public static ConfigDocument ToWire(this Config.Model.MeshResource resource) => new()
    {
        Key = resource.Key,
        SourceFile = resource.Document?.File ?? resource.Source.File,
        FirstLine = resource.Document?.FirstLine ?? 1,
        Yaml = resource.Document?.Text ?? "",
    };

    /// <summary>The key a workload is stored under in snapshots: <c>namespace/name</c>.</summary>
    public static string Key(this Config.Registry.Workload workload) => $"{workload.Namespace}/{workload.Name}";
}
