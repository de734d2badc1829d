using Mesh.Config;
using Mesh.Config.Registry;
using Mesh.Contracts.Discovery;
using Mesh.DataPlane;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Routing;
using ConfigDocument = Mesh.Config.Source.ConfigDocument;
using Workload = Mesh.Config.Registry.Workload;

namespace Mesh.Proxy.Discovery;

/// <summary>
/// What the proxy has accepted from the control plane: the config documents and workloads of the last applied
/// version. A pushed snapshot is applied on a copy and swapped in when it builds (then ACKed). One bad resource never
/// freezes the proxy: a document it cannot read, or a Gateway server whose certificate it cannot load, is left out and
/// named in the ACK, and everything else is applied. Only a snapshot that cannot be applied at all (a delta on the wrong
/// base, a table that does not build) is NACKed, and the proxy keeps routing with what it had.
/// </summary>
public sealed partial class ProxyConfigState(
    ProxyIdentity identity, IReadOnlyList<InboundPort> inbound, RouteTableProvider routes,
    Func<RouteTable, IReadOnlyList<(Config.Model.Networking.GatewayServer Server, string Error)>> validate,
    ILogger<ProxyConfigState> logger)
{
    private readonly Lock _lock = new();
    // Ordered, so that a delta keeps the documents in the control plane's order: a changed one stays where it was, a new one goes last.
    private OrderedDictionary<string, ConfigDocument> _documents = new(StringComparer.Ordinal);
    private Dictionary<string, Workload> _workloads = new(StringComparer.Ordinal);

    public ProxyIdentity Identity { get; } = identity;

    public string Version { get; private set; } = "";

    public ConfigSet Config { get; private set; } = ConfigSet.Empty;

    public ServiceRegistry Registry { get; private set; } = ServiceRegistry.Empty;

    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>What the last applied version left out, each as <c>resource: reason</c>.</summary>
    public IReadOnlyList<string> Rejected { get; private set; } = [];

    /// <summary>Applies a snapshot. Returns null on success, or the reason for the NACK.</summary>
    public string? Apply(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            if (!snapshot.Full && snapshot.BaseVersion != Version)
            {
                return $"delta {snapshot.Version} is based on {snapshot.BaseVersion}, but this proxy has {(Version.Length == 0 ? "nothing" : Version)}";
            }

            var documents = snapshot.Full ? new OrderedDictionary<string, ConfigDocument>(StringComparer.Ordinal) : new(_documents, StringComparer.Ordinal);
            var workloads = snapshot.Full ? new Dictionary<string, Workload>(StringComparer.Ordinal) : new(_workloads, StringComparer.Ordinal);
            foreach (var key in snapshot.RemovedDocuments)
            {
                documents.Remove(key);
            }

            foreach (var key in snapshot.RemovedWorkloads)
            {
                workloads.Remove(key);
            }

            foreach (var document in snapshot.Documents)
            {
                documents[document.Key] = document.ToModel();
            }

            foreach (var workload in snapshot.Workloads)
            {
                var model = workload.ToModel();
                workloads[model.Key()] = model;
            }

            // Each document on its own: one that does not load keeps its last good version (or is left out), named by its
            // key, and the rest is used.
            var rejected = new List<string>();
            var resources = new List<Config.Model.MeshResource>();
            foreach (var key in documents.Keys.ToArray())
            {
                var loaded = ConfigLoader.LoadDocuments([documents[key]]);
                if (loaded.HasErrors)
                {
                    var kept = _documents.TryGetValue(key, out var previous) && !ReferenceEquals(previous, documents[key]) ? ConfigLoader.LoadDocuments([previous]) : null;
                    rejected.Add($"{key}: {string.Join("; ", loaded.Errors.Take(3).Select(f => f.ToString()))}{(kept is { HasErrors: false } ? " (its last good version is kept)" : "")}");
                    if (kept is { HasErrors: false })
                    {
                        documents[key] = previous!;
                        resources.AddRange(kept.Resources);
                    }
                    else
                    {
                        documents.Remove(key);
                    }

                    continue;
                }

                resources.AddRange(loaded.Resources);
            }

            var config = new ConfigSet(resources);
            var registry = new ServiceRegistry(workloads.Values, config.ServiceEntries, config.WorkloadEntries);
            RouteTable table;
            IReadOnlyList<string> warnings;
            try
            {
                (table, warnings) = RouteTableBuilder.Build(config, registry, Identity, inbound, snapshot.Version);

                // What only this proxy can check (its certificate files): a server it cannot serve is left out of its Gateway.
                if (validate(table) is { Count: > 0 } problems)
                {
                    rejected.AddRange(problems.Select(p => $"{GatewayOf(config, p.Server)?.Key ?? "Gateway"} server at {p.Server.Source}: {p.Error}"));
                    config = WithoutServers(config, problems.Select(p => p.Server).ToHashSet());
                    (table, warnings) = RouteTableBuilder.Build(config, registry, Identity, inbound, snapshot.Version);
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
            {
                return $"building routes failed: {e.Message}";
            }

            (_documents, _workloads) = (documents, workloads);
            (Version, Config, Registry, Warnings, Rejected) = (snapshot.Version, config, registry, warnings, rejected);
            routes.Update(table);
            foreach (var warning in warnings)
            {
                LogBuildWarning(logger, snapshot.Version, warning);
            }

            foreach (var left in rejected)
            {
                LogLeftOut(logger, snapshot.Version, left);
            }

            return null;
        }
    }

    private static Config.Model.Networking.Gateway? GatewayOf(ConfigSet config, Config.Model.Networking.GatewayServer server) =>
        config.Gateways.FirstOrDefault(g => g.Servers.Contains(server));

    private static ConfigSet WithoutServers(ConfigSet config, HashSet<Config.Model.Networking.GatewayServer> servers) =>
        new(config.Resources.Select(r => r is Config.Model.Networking.Gateway g && g.Servers.Any(servers.Contains)
            ? g with { Servers = [.. g.Servers.Where(s => !servers.Contains(s))] }
            : r));

    [LoggerMessage(Level = LogLevel.Error, Message = "Config {Version} applied without a resource this proxy cannot use: {Rejected}")]
    private static partial void LogLeftOut(ILogger logger, string version, string rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config {Version}: {Warning}")]
    private static partial void LogBuildWarning(ILogger logger, string version, string warning);
}
