using System.Text.Json;

namespace Mesh.Cli.Output;

/// <summary>Prints a proxy's config dump as <c>istioctl proxy-config</c> does: routes and clusters as tables.</summary>
public static class ConfigDumpFormatter
{
    public static void Routes(string dump, TextWriter writer)
    {
        using var document = JsonDocument.Parse(dump);
        writer.WriteLine($"proxy {document.RootElement.GetProperty("proxy").GetString()}, config version {document.RootElement.GetProperty("version").GetString()}");
        var table = new Table("LISTENER", "VIRTUAL HOST", "DOMAINS", "MATCH", "DESTINATIONS");
        foreach (var listener in document.RootElement.GetProperty("routes").EnumerateArray())
        {
            foreach (var host in listener.GetProperty("virtualHosts").EnumerateArray())
            {
                foreach (var route in host.GetProperty("routes").EnumerateArray())
                {
                    var action = route.GetProperty("action").GetString();
                    var destinations = action == "route" ? Shares(route.GetProperty("clusters")) : action;
                    table.Add(listener.GetProperty("listener").GetString(), host.GetProperty("name").GetString(),
                        string.Join(",", host.GetProperty("domains").EnumerateArray().Select(d => d.GetString())),
                        string.Join(" || ", route.GetProperty("match").EnumerateArray().Select(m => m.GetString())), destinations);
                }
            }
        }

        table.WriteTo(writer);
    }

    public static void Clusters(string dump, TextWriter writer)
    {
        using var document = JsonDocument.Parse(dump);
        writer.WriteLine($"proxy {document.RootElement.GetProperty("proxy").GetString()}, config version {document.RootElement.GetProperty("version").GetString()}");
        var table = new Table("CLUSTER", "PROTOCOL", "LB", "ENDPOINTS");
        foreach (var cluster in document.RootElement.GetProperty("clusters").EnumerateArray())
        {
            var endpoints = cluster.GetProperty("endpoints").EnumerateArray()
                .Select(e => $"{e.GetProperty("address").GetString()} ({e.GetProperty("workload").GetString()})").ToArray();
            table.Add(cluster.GetProperty("name").GetString(), cluster.GetProperty("protocol").GetString(),
                cluster.TryGetProperty("loadBalancer", out var lb) ? lb.GetString() : "", endpoints.Length == 0 ? "(none)" : string.Join(", ", endpoints));
        }

        table.WriteTo(writer);
    }

    /// <summary>Each cluster's share of the route's traffic: its weight over the total (weights are relative).</summary>
    private static string Shares(JsonElement clusters)
    {
        var weights = clusters.EnumerateArray().Select(c => (Cluster: c.GetProperty("cluster").GetString(), Weight: c.GetProperty("weight").GetInt64())).ToArray();
        var total = weights.Sum(w => w.Weight);
        return string.Join(", ", weights.Select(w => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{w.Cluster} {(weights.Length == 1 ? 100 : total == 0 ? 0 : 100.0 * w.Weight / total):0.#}%")));
    }
}
