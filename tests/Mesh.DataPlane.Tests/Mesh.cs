using Mesh.Config;
using Mesh.Config.Registry;
using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests;

/// <summary>Builds route tables from YAML and workloads, the way a proxy does when a snapshot arrives.</summary>
public static class Mesh
{
    public static Workload Workload(string name, string app, string version, int port = 9080, string ns = "default", bool healthy = true, Dictionary<string, string>? labels = null) => new()
    {
        Name = name,
        Namespace = ns,
        Address = "127.0.0.1",
        Labels = new Dictionary<string, string>(labels ?? []) { ["app"] = app, ["version"] = version },
        Ports = [new WorkloadPort("http", 9080, port)],
        Healthy = healthy,
    };

    public static IReadOnlyList<Workload> Bookinfo() =>
    [
        Workload("productpage-v1", "productpage", "v1", 10001),
        Workload("reviews-v1", "reviews", "v1", 10011),
        Workload("reviews-v2", "reviews", "v2", 10012),
        Workload("reviews-v3", "reviews", "v3", 10013),
        Workload("ratings-v1", "ratings", "v1", 10021),
    ];

    public const string ReviewsSubsets = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2}
          - name: v3
            labels: {version: v3}
        """;

    public static (RouteTable Table, IReadOnlyList<string> Warnings) Build(string yaml, IReadOnlyList<Workload>? workloads = null, Workload? proxy = null)
    {
        var loaded = ConfigLoader.LoadText(yaml, "test.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Findings));
        var config = new ConfigSet(loaded.Resources);
        workloads ??= Bookinfo();
        var registry = new ServiceRegistry(workloads, config.ServiceEntries, config.WorkloadEntries);
        return RouteTableBuilder.Build(config, registry, new ProxyIdentity(proxy ?? workloads[0]), [], "1");
    }

    public static CompiledRoute? Route(RouteTable table, string host, string path, params (string Name, string Value)[] headers) =>
        table.Listener(RouteTable.OutboundKey($"{host}.default.svc.cluster.local", 9080))!.VirtualHosts[0]
            .Match(new RequestView("GET", $"{host}:9080", path, headers.Select(h => KeyValuePair.Create(h.Name, h.Value))));
}
