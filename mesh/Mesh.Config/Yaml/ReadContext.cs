using Mesh.Config.Diagnostics;
using Mesh.Config.Source;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.Config.Yaml;

/// <summary>State shared while one document is read: its file, line offset, and where findings go.</summary>
internal sealed class ReadContext(string file, int lineOffset, List<Finding> findings)
{
    public string File { get; } = file;

    public string? Resource { get; set; }

    /// <summary>The Istio kind being read, for the field table; null outside an Istio document.</summary>
    public string? Kind { get; set; }

    public ConfigLimits Limits { get; init; } = ConfigLimits.Default;

    /// <summary>The namespace of the resource being read (<c>.</c> in exportTo stands for it).</summary>
    public string Namespace { get; set; } = Model.ResourceMeta.DefaultNamespace;

    public List<Finding> Findings { get; } = findings;

    public SourceSpan SpanOf(YamlNode node) => SpanOf(node.Start);

    public SourceSpan SpanOf(Mark mark) => new(File, (int)mark.Line + lineOffset, (int)mark.Column);

    public void Report(FindingCode code, YamlNode node, string message) => Findings.Add(code.At(SpanOf(node), message, Resource));

    public void Report(FindingCode code, SourceSpan span, string message) => Findings.Add(code.At(span, message, Resource));
}
