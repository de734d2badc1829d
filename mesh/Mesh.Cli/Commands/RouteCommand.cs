using System.CommandLine;
using Mesh.Cli.Admin;
using Mesh.Cli.Explain;
using Mesh.Config;
using Mesh.Config.Registry;

namespace Mesh.Cli.Commands;

/// <summary><c>meshctl route explain &lt;host&gt; &lt;path&gt;</c>: which VirtualService rule matches a request, and why.</summary>
public static class RouteCommand
{
    public static Command Create(CommandContext context)
    {
        var host = new Argument<string>("host") { Description = "The destination host, e.g. reviews or bookinfo.example.com" };
        var path = new Argument<string>("path") { Description = "The path and query, e.g. /reviews/0" };
        var headers = new Option<string[]>("--header", "-H") { Description = "A request header name:value (repeatable)" };
        var method = new Option<string>("--method", "-X") { DefaultValueFactory = _ => "GET" };
        var from = new Option<string?>("--from") { Description = "The source workload (its sidecar's view); istio-ingressgateway for the gateway" };
        var port = new Option<int?>("--port") { Description = "The destination service port (or the gateway port)" };
        var files = new Option<string[]>("--filename", "-f") { Description = "Explain with these files instead of the control plane's config" };
        var explain = new Command("explain", "Explain which rule routes a request, condition by condition") { host, path, headers, method, from, port, files };
        explain.SetAction(async (result, cancellationToken) =>
        {
            ConfigSet config;
            ServiceRegistry registry;
            var localFiles = result.GetValue(files) ?? [];
            if (localFiles.Length > 0)
            {
                var loaded = ConfigLoader.LoadPaths(localFiles);
                foreach (var error in loaded.Errors)
                {
                    await context.Error.WriteLineAsync(error.ToString());
                }

                config = new ConfigSet(loaded.Resources);
                registry = await TryLiveRegistryAsync(context, result, config, cancellationToken);
            }
            else
            {
                using var client = context.Client(result);
                var documents = await client.DocumentsAsync(cancellationToken);
                config = new ConfigSet(ConfigLoader.LoadDocuments(documents.Select(d => d.ToModel())).Resources);
                registry = (await client.RegistryAsync(cancellationToken)).ToRegistry(config.ServiceEntries);
            }

            var source = Source(result.GetValue(from), registry);
            if (source is null)
            {
                await context.Error.WriteLineAsync($"error: no registered workload '{result.GetValue(from)}'");
                return 1;
            }

            var requestHeaders = (result.GetValue(headers) ?? []).Select(h => h.Split(':', 2))
                .Select(p => KeyValuePair.Create(p[0].Trim(), p.Length > 1 ? p[1].Trim() : "")).ToArray();
            return RouteExplainer.Explain(config, registry, source, result.GetValue(host)!, result.GetValue(path)!, result.GetValue(port),
                result.GetValue(method)!, requestHeaders, context.Out);
        });
        return new Command("route", "Routing tools") { explain };
    }

    /// <summary>One made-up workload per DestinationRule subset (labels from the subset, port 9080), so offline explanations name endpoints.</summary>
    private static IEnumerable<Workload> SyntheticWorkloads(ConfigSet config) =>
        config.DestinationRules.SelectMany(rule =>
        {
            var app = Hostnames.ShortName(Hostnames.Qualify(rule.Host, rule.Namespace));
            var subsets = rule.Subsets.Count > 0 ? rule.Subsets.Select(s => (s.Name, s.Labels)) : [("default", new Dictionary<string, string>())];
            return subsets.Select((s, i) => new Workload
            {
                Name = $"{app}-{s.Name} (synthetic)",
                Namespace = rule.Namespace,
                Address = "127.0.0.1",
                Labels = new Dictionary<string, string>(s.Labels) { ["app"] = app },
                Ports = [new WorkloadPort("http", 9080, 20000 + i)],
            });
        });

    private static Workload? Source(string? name, ServiceRegistry registry)
    {
        if (name is null)
        {
            return new Workload { Name = "meshctl", Address = "127.0.0.1" };
        }

        var workload = registry.Workloads.FirstOrDefault(w => w.Name == name);
        if (workload is null && name.Contains("gateway", StringComparison.Ordinal))
        {
            return new Workload { Name = name, Address = "127.0.0.1", IsGateway = true, Labels = new Dictionary<string, string> { ["istio"] = "ingressgateway" } };
        }

        return workload;
    }

    private static async Task<ServiceRegistry> TryLiveRegistryAsync(CommandContext context, ParseResult result, ConfigSet config, CancellationToken cancellationToken)
    {
        try
        {
            using var client = context.Client(result);
            return (await client.RegistryAsync(cancellationToken)).ToRegistry(config.ServiceEntries);
        }
        catch (ControlPlaneUnreachableException)
        {
            await context.Error.WriteLineAsync("note: the control plane is not reachable; explaining with the files and a registry made up from their DestinationRule subsets");
            return new ServiceRegistry(SyntheticWorkloads(config), config.ServiceEntries, config.WorkloadEntries);
        }
    }
}
