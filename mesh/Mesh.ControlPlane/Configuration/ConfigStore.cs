using Mesh.Config;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Validation;
using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Registry;
using Mesh.ControlPlane.Telemetry;

namespace Mesh.ControlPlane.Configuration;

/// <summary>
/// The mesh's config, from two sources: the YAML folder (watched) and resources applied through the admin API,
/// which override the folder's by key. Every change is validated as a whole set; a set with any error is
/// refused, its findings reported with file, line and reason, and the last good set keeps being served.
/// </summary>
public sealed partial class ConfigStore
{
    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly AppliedConfigFile? _appliedFile;
    private readonly WorkloadRegistry _registry;
    private readonly ChangeNotifier _notifier;
    private readonly ControlPlaneMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigStore> _logger;
    private IReadOnlyList<MeshResource> _files = [];
    private IReadOnlyList<Finding> _fileFindings = [];
    private Dictionary<string, MeshResource?> _applied = new(StringComparer.Ordinal);
    private IReadOnlyList<MeshResource> _discovered = [];
    private IReadOnlyList<Finding> _discoveredFindings = [];

    public ConfigStore(string directory, AppliedConfigFile? appliedFile, WorkloadRegistry registry, ChangeNotifier notifier,
        ControlPlaneMetrics metrics, TimeProvider time, ILogger<ConfigStore> logger)
    {
        (_directory, _appliedFile, _registry, _notifier, _metrics, _time, _logger) = (directory, appliedFile, registry, notifier, metrics, time, logger);
        Current = ConfigSet.Empty;
        Status = new ConfigStatus(0, time.GetUtcNow(), [], [], null, null);
    }

    /// <summary>The last good config set: what proxies are given.</summary>
    public ConfigSet Current { get; private set; }

    public ConfigStatus Status { get; private set; }

    /// <summary>Loads the folder (and the applied resources kept from an earlier run).</summary>
    public void Load()
    {
        lock (_lock)
        {
            if (_appliedFile?.Read() is { } applied)
            {
                _applied = applied;
            }

            ReloadFilesLocked("startup");
        }
    }

    /// <summary>Re-reads the folder after a file changed.</summary>
    public void ReloadFiles(string reason)
    {
        lock (_lock)
        {
            ReloadFilesLocked(reason);
        }
    }

    /// <summary>Creates or replaces the resources in a YAML text, as <c>kubectl apply</c> does. Returns the findings; any error means nothing changed.</summary>
    public IReadOnlyList<Finding> Apply(string yaml, string source)
    {
        var loaded = ConfigLoader.LoadText(yaml, source);
        lock (_lock)
        {
            if (loaded.HasErrors)
            {
                Reject(loaded.Findings, source);
                return loaded.Findings;
            }

            var applied = new Dictionary<string, MeshResource?>(_applied, StringComparer.Ordinal);
            foreach (var resource in loaded.Resources)
            {
                applied[resource.Key] = resource;
            }

            var findings = TryAccept(_files, _fileFindings, applied, source);
            return [.. loaded.Findings, .. findings];
        }
    }

    /// <summary>
    /// The served config analyzed now, as <c>meshctl analyze --live</c> would: what loading its files found, and the
    /// cross-resource checks against today's registry (a subset whose workloads went away shows here, not at apply time).
    /// </summary>
    public IReadOnlyList<Finding> Analyze()
    {
        lock (_lock)
        {
            return [.. _fileFindings, .. _discoveredFindings, .. ConfigAnalyzer.Analyze(Current, _registry.Snapshot())];
        }
    }

    /// <summary>
    /// What applying the YAML would find, against the whole set it would make, without applying it (as
    /// <c>kubectl apply --dry-run=server</c>): the console's wizard previews with it.
    /// </summary>
    public IReadOnlyList<Finding> DryRun(string yaml, string source)
    {
        var loaded = ConfigLoader.LoadText(yaml, source);
        if (loaded.HasErrors)
        {
            return loaded.Findings;
        }

        lock (_lock)
        {
            var applied = new Dictionary<string, MeshResource?>(_applied, StringComparer.Ordinal);
            foreach (var resource in loaded.Resources)
            {
                applied[resource.Key] = resource;
            }

            return [.. loaded.Findings, .. Candidate(_files, _fileFindings, applied).Findings];
        }
    }

    /// <summary>Deletes a resource by key (<c>Kind/namespace/name</c>). Returns false when no such resource is served.</summary>
    public bool Delete(string key, out IReadOnlyList<Finding> findings)
    {
        lock (_lock)
        {
            findings = [];
            if (!Current.Resources.Any(r => r.Key == key))
            {
                return false;
            }

            // A resource from the folder is hidden by a tombstone; one that only the API added is simply dropped.
            var applied = new Dictionary<string, MeshResource?>(_applied, StringComparer.Ordinal);
            if (_files.Any(r => r.Key == key))
            {
                applied[key] = null;
            }
            else
            {
                applied.Remove(key);
            }

            findings = TryAccept(_files, _fileFindings, applied, $"delete {key}");
            return !findings.Any(f => f.Severity == Severity.Error);
        }
    }

    /// <summary>
    /// Replaces the resources a platform holds (Istio custom resources read from the Kubernetes API) with a new complete
    /// set. They override the folder's by kind/namespace/name, and the API's own applies override them. A set with
    /// errors is refused whole, and the last good config goes on being served.
    /// </summary>
    public IReadOnlyList<Finding> SetDiscovered(IReadOnlyList<MeshResource> resources, IReadOnlyList<Finding> findings, string source)
    {
        lock (_lock)
        {
            if (findings.Any(f => f.Severity == Severity.Error))
            {
                Reject(findings, source);
                return findings;
            }

            var (previous, previousFindings) = (_discovered, _discoveredFindings);
            (_discovered, _discoveredFindings) = (resources, findings);
            var result = TryAccept(_files, _fileFindings, _applied, source);
            if (result.Any(f => f.Severity == Severity.Error))
            {
                (_discovered, _discoveredFindings) = (previous, previousFindings);
            }

            return result;
        }
    }

    /// <summary>Drops every resource applied through the API (and every deletion of a folder resource): back to the folder.</summary>
    public IReadOnlyList<Finding> ResetApplied()
    {
        lock (_lock)
        {
            return TryAccept(_files, _fileFindings, new Dictionary<string, MeshResource?>(StringComparer.Ordinal), "reset to the config folder");
        }
    }

    private void ReloadFilesLocked(string reason)
    {
        var loaded = ConfigLoader.LoadPaths([_directory]);
        TryAccept(loaded.Resources, loaded.Findings, _applied, $"{_directory} ({reason})");
    }

    /// <summary>The set the sources would make together (API over discovered over folder, by key), and its findings.</summary>
    private (ConfigSet Set, IReadOnlyList<Finding> Findings) Candidate(IReadOnlyList<MeshResource> files, IReadOnlyList<Finding> fileFindings,
        Dictionary<string, MeshResource?> applied)
    {
        var discovered = _discovered.Where(r => !applied.ContainsKey(r.Key)).ToArray();
        var merged = files.Where(r => !applied.ContainsKey(r.Key) && !discovered.Any(d => d.Key == r.Key))
            .Concat(discovered).Concat(applied.Values.OfType<MeshResource>()).ToArray();
        var candidate = new ConfigSet(merged);
        return (candidate, fileFindings.Concat(_discoveredFindings).Concat(ConfigAnalyzer.Analyze(candidate, _registry.Snapshot())).ToArray());
    }

    private IReadOnlyList<Finding> TryAccept(IReadOnlyList<MeshResource> files, IReadOnlyList<Finding> fileFindings,
        Dictionary<string, MeshResource?> applied, string source)
    {
        var (candidate, findings) = Candidate(files, fileFindings, applied);
        if (findings.Any(f => f.Severity == Severity.Error))
        {
            Reject(findings, source);
            return findings;
        }

        (_files, _fileFindings, _applied) = (files, fileFindings, applied);
        _appliedFile?.Write(applied);
        Current = candidate;
        Status = new ConfigStatus(Status.Revision + 1, _time.GetUtcNow(), findings, [], null, null);
        foreach (var warning in findings.Where(f => f.Severity == Severity.Warning))
        {
            LogWarning(_logger, warning.ToString());
        }

        LogAccepted(_logger, Status.Revision, candidate.Resources.Count, source);
        _notifier.Notify("config");
        return findings;
    }

    private void Reject(IReadOnlyList<Finding> findings, string source)
    {
        var errors = findings.Where(f => f.Severity == Severity.Error).ToArray();
        _metrics.ConfigRejected(errors);
        Status = Status with { RejectedFindings = errors, RejectedAt = _time.GetUtcNow(), RejectedSource = source };
        foreach (var error in errors)
        {
            LogRejectedFinding(_logger, error.ToString());
        }

        LogRejected(_logger, source, errors.Length, Status.Revision);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Config revision {Revision} accepted: {Count} resources from {Source}")]
    private static partial void LogAccepted(ILogger logger, long revision, int count, string source);

    [LoggerMessage(Level = LogLevel.Error, Message = "Config rejected: {Finding}")]
    private static partial void LogRejectedFinding(ILogger logger, string finding);

    [LoggerMessage(Level = LogLevel.Error, Message = "Config change from {Source} refused with {Errors} error(s); still serving revision {Revision}")]
    private static partial void LogRejected(ILogger logger, string source, int errors, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config warning: {Finding}")]
    private static partial void LogWarning(ILogger logger, string finding);
}
