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
/// <remarks>
/// The folder is judged file by file, because it is edited by hand: a file that does not load (half saved, a typo)
/// is refused on its own and its last good version goes on being served (at start, it is left out), while the other
/// files' changes take effect. A file whose resources break the whole set (a duplicate, a missing subset) is put back
/// the same way.
/// </remarks>
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
    private Dictionary<string, FolderFile> _acceptedFiles = new(StringComparer.Ordinal);
    private readonly LastGoodFiles? _lastGood;
    private Dictionary<string, MeshResource?> _applied = new(StringComparer.Ordinal);
    private IReadOnlyList<MeshResource> _discovered = [];
    private IReadOnlyList<Finding> _discoveredFindings = [];

    public ConfigStore(string directory, AppliedConfigFile? appliedFile, WorkloadRegistry registry, ChangeNotifier notifier,
        ControlPlaneMetrics metrics, TimeProvider time, ILogger<ConfigStore> logger)
    {
        (_directory, _appliedFile, _registry, _notifier, _metrics, _time, _logger) = (directory, appliedFile, registry, notifier, metrics, time, logger);
        _lastGood = appliedFile?.LastGood;
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
        var source = $"{_directory} ({reason})";
        var files = FolderFiles(_directory);
        var chosen = new Dictionary<string, FolderFile>(StringComparer.Ordinal);
        var refused = new List<Finding>();
        foreach (var file in files)
        {
            var current = FolderFile.Read(file);
            if (current.Loaded.HasErrors)
            {
                refused.AddRange(current.Loaded.Errors);
                if ((_acceptedFiles.GetValueOrDefault(file) ?? FolderFile.From(file, _lastGood?.Read(file))) is { } previous)
                {
                    chosen[file] = previous;
                    LogServingLastGood(_logger, file);
                }

                continue;
            }

            chosen[file] = current;
        }

        // A file that breaks the set as a whole goes back to its last good version (or out), and the rest is tried again.
        for (var attempt = 0; attempt <= files.Count; attempt++)
        {
            var (resources, findings) = Combine(chosen);
            var (_, candidateFindings) = Candidate(resources, findings, _applied);
            var culprits = candidateFindings.Concat(findings)
                .Where(f => f.Severity == Severity.Error && chosen.TryGetValue(f.Source.File, out var current) && !ReferenceEquals(current, _acceptedFiles.GetValueOrDefault(f.Source.File)))
                .GroupBy(f => f.Source.File).ToArray();
            if (culprits.Length == 0 || attempt == files.Count)
            {
                var result = TryAccept(resources, findings, _applied, source, refused);
                if (!result.Any(f => f.Severity == Severity.Error))
                {
                    _acceptedFiles = chosen;
                    SaveLastGood(chosen);
                }

                return;
            }

            foreach (var culprit in culprits)
            {
                refused.AddRange(culprit);
                if (_acceptedFiles.TryGetValue(culprit.Key, out var previous))
                {
                    chosen[culprit.Key] = previous;
                }
                else
                {
                    chosen.Remove(culprit.Key);
                }
            }
        }
    }

    private void SaveLastGood(Dictionary<string, FolderFile> files)
    {
        try
        {
            _lastGood?.Write(files.ToDictionary(f => f.Key, f => f.Value.Text, StringComparer.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(_logger, e.Message);
        }
    }

    /// <summary>One file of the folder: its text and what it loads to.</summary>
    private sealed record FolderFile(string Text, ConfigLoadResult Loaded)
    {
        public static FolderFile Read(string file)
        {
            try
            {
                var length = new FileInfo(file).Length;
                if (length > ConfigLimits.Default.MaxTotalBytes)
                {
                    return new FolderFile("", new ConfigLoadResult([], [FindingCodes.LimitExceeded.At(new Mesh.Config.Source.SourceSpan(file, 1, 1),
                        $"the file is {length} bytes; all config together may hold at most {ConfigLimits.Default.MaxTotalBytes} bytes")]));
                }

                return From(file, File.ReadAllText(file))!;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FolderFile("", new ConfigLoadResult([], [FindingCodes.YamlSyntax.At(new Mesh.Config.Source.SourceSpan(file, 0, 0), $"the file cannot be read: {e.Message}")]));
            }
        }

        public static FolderFile? From(string file, string? text) => text is null ? null : new FolderFile(text, ConfigLoader.LoadText(text, file));
    }

    /// <summary>The folder's files as one set, a key defined in two files refused in the later one.</summary>
    private static (IReadOnlyList<MeshResource> Resources, IReadOnlyList<Finding> Findings) Combine(Dictionary<string, FolderFile> files)
    {
        var resources = new List<MeshResource>();
        var findings = new List<Finding>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var loaded in files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value.Loaded))
        {
            findings.AddRange(loaded.Findings);
            foreach (var resource in loaded.Resources)
            {
                if (keys.Add(resource.Key))
                {
                    resources.Add(resource);
                }
                else
                {
                    findings.Add(FindingCodes.DuplicateResource.At(resource.Source,
                        $"{resource.Key} is defined more than once; each kind/namespace/name must be unique", resource.Key));
                }
            }
        }

        return (resources, findings);
    }

    private static IReadOnlyList<string> FolderFiles(string directory)
    {
        try
        {
            return Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToArray()
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
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
        Dictionary<string, MeshResource?> applied, string source, IReadOnlyList<Finding>? refusedFiles = null)
    {
        var (candidate, findings) = Candidate(files, fileFindings, applied);
        if (findings.Any(f => f.Severity == Severity.Error))
        {
            Reject([.. refusedFiles ?? [], .. findings], source);
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
        if (refusedFiles is { Count: > 0 })
        {
            // The folder's other files took effect; the ones that did not load are refused, and their last good version stays.
            Reject(refusedFiles, $"{source}: {string.Join(", ", refusedFiles.Select(f => Path.GetFileName(f.Source.File)).Distinct())}");
            return refusedFiles;
        }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} does not load; serving its last good version")]
    private static partial void LogServingLastGood(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the folder's last good files: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config warning: {Finding}")]
    private static partial void LogWarning(ILogger logger, string finding);
}
