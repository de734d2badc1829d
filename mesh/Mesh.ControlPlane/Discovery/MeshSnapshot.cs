using System.Collections.Concurrent;
using Mesh.Config.Model.Networking;
using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// One pushed version of the mesh. Proxies that see everything share two forms built once: the delta from the version
/// before (only the documents and workloads that changed, and the keys removed) and the full snapshot, built only when
/// some proxy needs it. A proxy whose <c>Sidecar</c> narrows what it sees to some namespaces is sent only those
/// namespaces' workloads: a full snapshot, or a delta from the version it was last sent, built once per scope and base;
/// when nothing it sees changed it is sent nothing.
/// </summary>
public sealed class MeshSnapshot(
    long sequence, string version, string nonce, DateTimeOffset createdAt,
    IReadOnlyDictionary<string, ConfigDocument> documents, IReadOnlyDictionary<string, Workload> workloads, IReadOnlyList<Sidecar> sidecars,
    ConfigSnapshot? delta = null)
{
    private readonly Lazy<ControlPlaneMessage> _fullMessage = new(() => Freeze(Build(version, nonce, documents, workloads.Values)));
    private readonly ControlPlaneMessage? _deltaMessage = delta is null ? null : DiscoveryBinding.Freeze(new ControlPlaneMessage { Snapshot = delta });
    private readonly ConcurrentDictionary<(long Base, string Scope), ControlPlaneMessage?> _scoped = new();

    public long Sequence { get; } = sequence;

    public string Version { get; } = version;

    /// <summary>When the change that produced this version was seen; convergence time is measured from here.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    public ConfigSnapshot? Delta { get; } = delta;

    public IReadOnlyDictionary<string, ConfigDocument> Documents { get; } = documents;

    public IReadOnlyDictionary<string, Workload> Workloads { get; } = workloads;

    /// <summary>What a proxy with this workload may see, by the Sidecar that applies to it in this version.</summary>
    public ProxyScope ScopeOf(Config.Registry.Workload workload) =>
        ProxyScope.Of(Sidecar.For(sidecars, workload.Namespace, workload.Labels)?.VisibleNamespaces());

    /// <summary>
    /// What to send a proxy that was last sent <paramref name="sent"/> with scope <paramref name="sentScope"/> (null
    /// for neither: a new proxy, or one that refused a push), or null when nothing it can see has changed.
    /// </summary>
    public ControlPlaneMessage? MessageFor(MeshSnapshot? sent, ProxyScope? sentScope, ProxyScope scope)
    {
        if (scope.Namespaces is null)
        {
            return _deltaMessage is not null && sent is not null && sentScope?.Namespaces is null && Delta!.BaseVersion == sent.Version
                ? _deltaMessage
                : _fullMessage.Value;
        }

        var from = sent is not null && sentScope == scope ? sent : null;
        return _scoped.GetOrAdd((from?.Sequence ?? -1, scope.Key), _ => from is null ? ScopedFull(scope) : ScopedDelta(from, scope));
    }

    private ControlPlaneMessage ScopedFull(ProxyScope scope) =>
        Freeze(Build(Version, nonce, Documents, Workloads.Where(w => scope.Sees(w.Key)).Select(w => w.Value)));

    private ControlPlaneMessage? ScopedDelta(MeshSnapshot from, ProxyScope scope)
    {
        var mine = Workloads.Where(w => scope.Sees(w.Key)).ToDictionary(StringComparer.Ordinal);
        var theirs = from.Workloads.Where(w => scope.Sees(w.Key)).ToDictionary(StringComparer.Ordinal);
        var scoped = Diff(Version, nonce, from.Version, Documents, from.Documents, mine, theirs);
        return scoped is null ? null : Freeze(scoped);
    }

    /// <summary>The delta from one version's documents and workloads to another's, or null when nothing differs.</summary>
    public static ConfigSnapshot? Diff(
        string version, string nonce, string baseVersion,
        IReadOnlyDictionary<string, ConfigDocument> documents, IReadOnlyDictionary<string, ConfigDocument> baseDocuments,
        IReadOnlyDictionary<string, Workload> workloads, IReadOnlyDictionary<string, Workload> baseWorkloads)
    {
        var delta = new ConfigSnapshot { Version = version, Nonce = nonce, Full = false, BaseVersion = baseVersion };
        delta.Documents.AddRange(Changed(documents, baseDocuments));
        delta.RemovedDocuments.AddRange(baseDocuments.Keys.Where(k => !documents.ContainsKey(k)));
        delta.Workloads.AddRange(Changed(workloads, baseWorkloads));
        delta.RemovedWorkloads.AddRange(baseWorkloads.Keys.Where(k => !workloads.ContainsKey(k)));
        return delta.Documents.Count + delta.RemovedDocuments.Count + delta.Workloads.Count + delta.RemovedWorkloads.Count == 0 ? null : delta;
    }

    private static IEnumerable<T> Changed<T>(IReadOnlyDictionary<string, T> current, IReadOnlyDictionary<string, T> previous)
        where T : class =>
        current.Where(entry => !previous.TryGetValue(entry.Key, out var before) || !(ReferenceEquals(before, entry.Value) || before.Equals(entry.Value))).Select(entry => entry.Value);

    private static ConfigSnapshot Build(string version, string nonce, IReadOnlyDictionary<string, ConfigDocument> documents, IEnumerable<Workload> workloads)
    {
        var full = new ConfigSnapshot { Version = version, Nonce = nonce, Full = true };
        full.Documents.AddRange(documents.Values);
        full.Workloads.AddRange(workloads);
        return full;
    }

    private static ControlPlaneMessage Freeze(ConfigSnapshot snapshot) => DiscoveryBinding.Freeze(new ControlPlaneMessage { Snapshot = snapshot });
}

/// <summary>The namespaces whose workloads a proxy is sent (null: all), and a key naming that set.</summary>
public sealed record ProxyScope(string Key, IReadOnlySet<string>? Namespaces)
{
    public static readonly ProxyScope All = new("*", null);

    public static ProxyScope Of(IReadOnlySet<string>? namespaces) =>
        namespaces is null ? All : new ProxyScope(string.Join(",", namespaces.Order(StringComparer.Ordinal)), namespaces);

    /// <summary>Whether a workload, by its key (<c>namespace/name</c>), is in scope.</summary>
    public bool Sees(string workloadKey) => Namespaces is null || Namespaces.Contains(workloadKey[..workloadKey.IndexOf('/', StringComparison.Ordinal)]);

    public bool Equals(ProxyScope? other) => other is not null && other.Key == Key;

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}
