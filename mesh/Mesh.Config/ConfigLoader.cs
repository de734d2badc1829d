using System.Text.RegularExpressions;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Schema;
using Mesh.Config.Source;
using Mesh.Config.Validation;
using Mesh.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Mesh.Config;

/// <summary>
/// Loads Istio YAML (multi-document files, folders) into immutable resources, reporting every problem with its
/// file, line and column. A document with errors still yields the findings; the caller decides whether the set
/// is usable (the control plane rejects a set with any error).
/// </summary>
public static partial class ConfigLoader
{
    private delegate MeshResource KindReader(YamlObject spec, ResourceMeta meta);

    private static readonly string[] NetworkingVersions = ["v1", "v1beta1", "v1alpha3"];
    private static readonly string[] SecurityVersions = ["v1", "v1beta1"];
    private static readonly string[] TelemetryVersions = ["v1", "v1alpha1"];

    private static readonly Dictionary<(string Group, string Kind), KindReader> Kinds = new()
    {
        [("networking.istio.io", "VirtualService")] = NetworkingReaders.VirtualService,
        [("networking.istio.io", "DestinationRule")] = NetworkingReaders.DestinationRule,
        [("networking.istio.io", "Gateway")] = NetworkingReaders.Gateway,
        [("networking.istio.io", "ServiceEntry")] = NetworkingReaders.ServiceEntry,
        [("networking.istio.io", "Sidecar")] = NetworkingReaders.Sidecar,
        [("networking.istio.io", "EnvoyFilter")] = EnvoyFilterReader.Read,
        [("networking.istio.io", "WorkloadEntry")] = (spec, meta) => spec.Finish(NetworkingReaders.WorkloadEntryResource(spec, meta))!,
        [("security.istio.io", "PeerAuthentication")] = SecurityReaders.PeerAuthentication,
        [("security.istio.io", "AuthorizationPolicy")] = SecurityReaders.AuthorizationPolicy,
        [("security.istio.io", "RequestAuthentication")] = SecurityReaders.RequestAuthentication,
        [("telemetry.istio.io", "Telemetry")] = TelemetryReader.Read,
    };


    private static readonly string[] IgnoredMetadata =
    [
        "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "ownerReferences",
        "finalizers", "generateName", "deletionTimestamp", "deletionGracePeriodSeconds",
    ];

    /// <summary>Loads every <c>.yaml</c>/<c>.yml</c> file under the given files and folders, in a stable order.</summary>
    public static ConfigLoadResult LoadPaths(IEnumerable<string> paths, ConfigLimits? limits = null)
    {
        limits ??= ConfigLimits.Default;
        var files = new List<string>();
        var findings = new List<Finding>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                findings.Add(FindingCodes.YamlSyntax.At(new SourceSpan(path, 0, 0), "no such file or directory"));
            }
        }

        var documents = new List<ParsedDocument>();
        foreach (var file in files)
        {
            if (ReadFile(file, limits, findings) is { } text)
            {
                documents.AddRange(Split(text, file, 0, limits, findings));
            }
        }

        return Read(documents, findings);
    }

    /// <summary>Loads the documents of one YAML text (for example, a file body sent to the control plane).</summary>
    public static ConfigLoadResult LoadText(string text, string file, ConfigLimits? limits = null)
    {
        var findings = new List<Finding>();
        return Read(Split(text, file, 0, limits ?? ConfigLimits.Default, findings), findings);
    }

    /// <summary>Loads documents that were split earlier, keeping their original file and line numbers.</summary>
    public static ConfigLoadResult LoadDocuments(IEnumerable<ConfigDocument> documents, ConfigLimits? limits = null)
    {
        limits ??= ConfigLimits.Default;
        var findings = new List<Finding>();

        // A document that arrived as one piece may still hold several (a pushed or stored text); split it again.
        return Read(documents.SelectMany(d => Split(d.Text, d.File, d.FirstLine - 1, limits, findings)).ToList(), findings);
    }

    /// <summary>
    /// Splits a YAML text into its documents at the <c>---</c> markers (which YAML only allows at the start of a
    /// line, outside any content), keeping each document's first line. A syntax error is reported with its
    /// position, and that document yields nothing.
    /// </summary>
    public static IReadOnlyList<ConfigDocument> SplitDocuments(string text, string file, List<Finding> findings) =>
        Split(text, file, 0, ConfigLimits.Default, findings).Select(d => d.Document).ToArray();

    /// <summary>A file's text, or a finding when it cannot be read or is too large to be one document's worth of config.</summary>
    private static string? ReadFile(string file, ConfigLimits limits, List<Finding> findings)
    {
        try
        {
            var length = new FileInfo(file).Length;
            if (length > limits.MaxTotalBytes)
            {
                findings.Add(FindingCodes.LimitExceeded.At(new SourceSpan(file, 1, 1),
                    $"the file is {length} bytes; all config together may hold at most {limits.MaxTotalBytes} bytes"));
                return null;
            }

            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            findings.Add(FindingCodes.YamlSyntax.At(new SourceSpan(file, 0, 0), $"the file cannot be read: {e.Message}"));
            return null;
        }
    }

    private static ConfigLoadResult Read(IReadOnlyList<ParsedDocument> documents, List<Finding> findings)
    {
        var resources = new List<MeshResource>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            var resource = ReadDocument(document, findings);
            if (resource is null)
            {
                continue;
            }

            if (!keys.Add(resource.Key))
            {
                findings.Add(FindingCodes.DuplicateResource.At(resource.Source,
                    $"{resource.Key} is defined more than once; each kind/namespace/name must be unique", resource.Key));
                continue;
            }

            resources.Add(resource);
        }

        return new ConfigLoadResult(resources, findings);
    }

    /// <summary>One document's text with its YAML, parsed once within the limits.</summary>
    private sealed record ParsedDocument(ConfigDocument Document, YamlStream Yaml, ConfigLimits Limits);

    private static List<ParsedDocument> Split(string text, string file, int lineOffset, ConfigLimits limits, List<Finding> findings)
    {
        var documents = new List<ParsedDocument>();
        var normalized = text.ReplaceLineEndings("\n");
        var lines = (normalized.EndsWith('\n') ? normalized[..^1] : normalized).Split('\n');
        var current = new System.Text.StringBuilder();
        var firstLine = 1;
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i] : null;
            var marker = line is not null && (DocumentStart().IsMatch(line) || DocumentEnd().IsMatch(line));
            if (line is null || marker)
            {
                AddDocument(current.ToString(), file, firstLine + lineOffset, limits, documents, findings);
                current.Clear();
                firstLine = i + 1;
                if (line is not null && DocumentStart().IsMatch(line) && line.Length > 3)
                {
                    // Content after '---' on the same line stays on its line and column.
                    current.Append(' ', 3).Append(line[3..]).Append('\n');
                }
                else
                {
                    firstLine = i + 2;
                }

                continue;
            }

            current.Append(line).Append('\n');
        }

        return documents;
    }

    private static void AddDocument(string text, string file, int firstLine, ConfigLimits limits, List<ParsedDocument> documents, List<Finding> findings)
    {
        if (text.Split('\n').All(l => l.TrimStart().Length == 0 || l.TrimStart().StartsWith('#')))
        {
            return;
        }

        if (BoundedYaml.Load(text, file, firstLine - 1, limits, findings) is { } yaml)
        {
            documents.Add(new ParsedDocument(new ConfigDocument(file, firstLine, text), yaml, limits));
        }
    }

    private static MeshResource? ReadDocument(ParsedDocument parsed, List<Finding> findings)
    {
        var document = parsed.Document;
        var context = new ReadContext(document.File, document.FirstLine - 1, findings) { Limits = parsed.Limits };
        try
        {
            return ReadDocument(parsed, context);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            // A defect in a reader must cost this document, never the load (a crash, or a 500 from the control plane).
            context.Report(FindingCodes.InternalError, new SourceSpan(document.File, document.FirstLine, 1),
                $"the mesh could not read this document ({e.GetType().Name}: {e.Message}); it is refused");
            return null;
        }
    }

    private static MeshResource? ReadDocument(ParsedDocument parsed, ReadContext context)
    {
        var document = parsed.Document;
        var stream = parsed.Yaml;
        if (stream.Documents.Count == 0)
        {
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            context.Report(FindingCodes.WrongType, stream.Documents[0].RootNode, "a document must be an object with apiVersion, kind, metadata and spec");
            return null;
        }

        var top = new YamlObject(root, "", context);
        var apiVersion = top.String("apiVersion", required: true);
        var kind = top.String("kind", required: true);
        if (apiVersion is null || kind is null)
        {
            return null;
        }

        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        var version = apiVersion[(slash + 1)..];
        if (!group.EndsWith("istio.io", StringComparison.Ordinal))
        {
            context.Report(FindingCodes.IgnoredKind, root, $"{apiVersion} {kind} is not an Istio kind; skipped");
            return null;
        }

        // Istio kinds that exist but that the mesh does not implement (the field table lists them as "- *").
        if (!Kinds.ContainsKey((group, kind)) && IstioFields.Kinds.Contains(kind) && !IstioFields.IsKindImplemented(kind))
        {
            context.Report(FindingCodes.UnimplementedField, top.SpanOf("kind"), $"{kind} is an Istio kind this mesh does not implement; the document is ignored");
            return null;
        }

        if (!Kinds.TryGetValue((group, kind), out var reader))
        {
            var known = Kinds.Keys.Where(k => k.Group == group).Select(k => k.Kind).ToArray();
            context.Report(FindingCodes.UnknownKind, top.SpanOf("kind"), known.Length > 0
                ? $"unknown kind '{kind}' in {group}; known kinds are {string.Join(", ", known)}"
                : $"unknown kind '{kind}': the mesh reads no kinds of {group}; it reads {string.Join(", ", Kinds.Keys.Select(k => k.Kind).Distinct())}");
            return null;
        }

        var versions = group switch
        {
            "security.istio.io" => SecurityVersions,
            "telemetry.istio.io" => TelemetryVersions,
            _ => NetworkingVersions,
        };
        if (!versions.Contains(version))
        {
            context.Report(FindingCodes.UnknownKind, top.SpanOf("apiVersion"),
                $"apiVersion '{apiVersion}' is not served; use {string.Join(", ", versions.Select(v => $"{group}/{v}"))}");
            return null;
        }

        var meta = top.Object("metadata") is { } metadata ? ReadMetadata(metadata, apiVersion) : null;
        if (meta is null)
        {
            context.Report(FindingCodes.MissingField, root, "metadata.name is required");
            return null;
        }

        context.Resource = $"{kind}/{meta.Namespace}/{meta.Name}";
        context.Namespace = meta.Namespace;
        context.Kind = kind;
        if (kind is "ServiceEntry" or "WorkloadEntry" && !top.Has("spec"))
        {
            // Istio's CRDs require these kinds' spec.
            context.Report(FindingCodes.MissingField, root, "spec is required");
            return null;
        }

        var spec = top.Object("spec") ?? new YamlObject(new YamlMappingNode(), "spec", context);
        top.Ignore("status");
        top.Finish<object>(null);
        var resource = reader(spec, meta);
        ResourceLimits.Check(resource, context);
        return resource with { Document = document };
    }

    private static ResourceMeta? ReadMetadata(YamlObject metadata, string apiVersion)
    {
        metadata.Ignore(IgnoredMetadata);
        var name = metadata.String("name", required: true);
        var ns = metadata.String("namespace") ?? ResourceMeta.DefaultNamespace;
        var meta = name is null ? null : new ResourceMeta
        {
            Name = name,
            Namespace = ns,
            ApiVersion = apiVersion,
            Labels = metadata.StringMap("labels"),
            Annotations = metadata.StringMap("annotations"),
        };

        if (name is not null && !DnsName().IsMatch(name))
        {
            metadata.Report(FindingCodes.InvalidValue, "name", $"metadata.name '{name}' must be a lowercase DNS name (a-z, 0-9, '-', '.')");
        }

        if (!DnsLabel().IsMatch(ns))
        {
            metadata.Report(FindingCodes.InvalidValue, "namespace", $"metadata.namespace '{ns}' must be a lowercase DNS label");
        }

        return metadata.Finish(meta);
    }

    [GeneratedRegex(@"^---(\s|$)")]
    private static partial Regex DocumentStart();

    [GeneratedRegex(@"^\.\.\.(\s|$)")]
    private static partial Regex DocumentEnd();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")]
    private static partial Regex DnsName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
