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
/// version. A pushed snapshot is applied on a copy; only if it parses and builds is it swapped in (then ACKed);
/// otherwise the proxy keeps routing with what it had and NACKs with the reason.
/// </summary>
public sealed partial class ProxyConfigState(
    ProxyIdentity identity, IReadOnlyList<InboundPort> inbound, RouteTableProvider routes, Func<RouteTable, IReadOnlyList<string>> validate,
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

            var loaded = ConfigLoader.LoadDocuments(documents.Values);
            if (loaded.HasErrors)
            {
                return string.Join("; ", loaded.Errors.Take(5).Select(f => f.ToString()));
            }

            var config = new ConfigSet(loaded.Resources);
            var registry = new ServiceRegistry(workloads.Values, config.ServiceEntries);
            RouteTable table;
            IReadOnlyList<string> warnings;
            try
            {
                (table, warnings) = RouteTableBuilder.Build(config, registry, Identity, inbound, snapshot.Version);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
                return $"building routes failed: {e.Message}";
            }

            // What only this proxy can check (its certificate files): refuse the snapshot rather than serve half of it.
            if (validate(table) is { Count: > 0 } problems)
            {
                return string.Join("; ", problems);
            }

            (_documents, _workloads) = (documents, workloads);
            (Version, Config, Registry, Warnings) = (snapshot.Version, config, registry, warnings);
            routes.Update(table);
            foreach (var warning in warnings)
            {
                LogBuildWarning(logger, snapshot.Version, warning);
            }

            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config {Version}: {Warning}")]
    private static partial void LogBuildWarning(ILogger logger, string version, string warning);
}
