using System.Text;
using Mesh.Config.Diagnostics;
using Mesh.Config.Source;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Mesh.Config.Yaml;

/// <summary>
/// Parses one YAML document within <see cref="ConfigLimits"/>: its size, its nesting and its node count (aliases
/// expanded) are checked before anything reads it, and any failure of the parser becomes a finding with the file and
/// line, never an exception.
/// </summary>
/// <remarks>
/// The document is first read as a stream of parser events, which takes memory in proportion to its nesting only, so
/// depth is bounded before the node tree is built. The tree's size with aliases expanded is then counted once per
/// distinct node (aliases share their anchor's node), which costs the size of the text, however far the aliases would
/// multiply it.
/// </remarks>
internal static class BoundedYaml
{
    public static YamlStream? Load(string text, string file, int lineOffset, ConfigLimits limits, List<Finding> findings)
    {
        SourceSpan At(Mark mark) => new(file, (int)mark.Line + lineOffset, (int)mark.Column);
        var start = new SourceSpan(file, lineOffset + 1, 1);
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > limits.MaxDocumentBytes)
        {
            findings.Add(FindingCodes.LimitExceeded.At(start, $"the document is {bytes} bytes; a document may hold at most {limits.MaxDocumentBytes} bytes"));
            return null;
        }

        try
        {
            if (!Scan(text, limits, out var mark, out var problem))
            {
                findings.Add(FindingCodes.LimitExceeded.At(At(mark), problem));
                return null;
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            foreach (var document in stream.Documents)
            {
                var expanded = new Expansion(limits);
                if (!expanded.Within(document.RootNode))
                {
                    findings.Add(FindingCodes.LimitExceeded.At(At(expanded.Where ?? document.RootNode.Start), expanded.Problem!));
                    return null;
                }
            }

            return stream;
        }
        catch (YamlException e)
        {
            findings.Add(FindingCodes.YamlSyntax.At(At(e.Start), $"YAML syntax error: {Describe(e)}"));
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException or KeyNotFoundException or IndexOutOfRangeException)
        {
            // The parser failed in a way it does not report as a syntax error; it is still the document's fault.
            findings.Add(FindingCodes.YamlSyntax.At(start, $"YAML syntax error: {e.Message}"));
            return null;
        }
    }

    /// <summary>Walks the parser's events: nesting depth and the number of nodes as written.</summary>
    private static bool Scan(string text, ConfigLimits limits, out Mark mark, out string problem)
    {
        var parser = new Parser(new StringReader(text));
        var (depth, nodes) = (0, 0);
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case MappingStart or SequenceStart:
                    depth++;
                    nodes++;
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
                case Scalar or AnchorAlias:
                    nodes++;
                    break;
            }

            if (depth > limits.MaxDepth)
            {
                (mark, problem) = (current.Start, $"the document nests more than {limits.MaxDepth} levels deep");
                return false;
            }

            if (nodes > limits.MaxNodes)
            {
                (mark, problem) = (current.Start, $"the document has more than {limits.MaxNodes} YAML nodes");
                return false;
            }
        }

        (mark, problem) = (Mark.Empty, "");
        return true;
    }

    private static string Describe(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var paren = message.IndexOf("): ", StringComparison.Ordinal);
        return paren > 0 && message.StartsWith('(') ? message[(paren + 3)..] : message;
    }

    /// <summary>Counts a tree's nodes and depth as a reader would see them, every alias expanded, each distinct node measured once.</summary>
    private sealed class Expansion(ConfigLimits limits)
    {
        private readonly Dictionary<YamlNode, (long Nodes, int Depth)> _measured = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<YamlNode> _open = new(ReferenceEqualityComparer.Instance);

        public Mark? Where { get; private set; }

        public string? Problem { get; private set; }

        public bool Within(YamlNode root)
        {
            var (nodes, deepest) = Measure(root);
            if (Problem is not null)
            {
                return false;
            }

            if (nodes > limits.MaxNodes)
            {
                Problem = $"the document expands to {nodes} YAML nodes through its aliases; a document may hold at most {limits.MaxNodes}";
                return false;
            }

            if (deepest > limits.MaxDepth + 1)
            {
                Problem = $"the document nests more than {limits.MaxDepth} levels deep through its aliases";
                return false;
            }

            return true;
        }

        private (long Nodes, int Depth) Measure(YamlNode node)
        {
            if (_measured.TryGetValue(node, out var known))
            {
                return known;
            }

            if (!_open.Add(node))
            {
                Where ??= node.Start;
                Problem ??= "an alias refers to a node that contains it";
                return (0, 0);
            }

            var children = node switch
            {
                YamlMappingNode map => map.Children.SelectMany(c => new[] { c.Key, c.Value }),
                YamlSequenceNode sequence => sequence.Children,
                _ => [],
            };
            var (nodes, depth) = (1L, 1);
            foreach (var child in children)
            {
                var (n, d) = Measure(child);
                if (Problem is not null)
                {
                    return (0, 0);
                }

                // Saturate: the total only has to be known to pass the limit.
                nodes = Math.Min(nodes + n, long.MaxValue / 4);
                depth = Math.Max(depth, d + 1);
                if (depth > limits.MaxDepth + 1 && Problem is null)
                {
                    Where = child.Start;
                    Problem = $"the document nests more than {limits.MaxDepth} levels deep through its aliases";
                    return (0, 0);
                }
            }

            // The first node whose expansion passes the limit is where the document goes wrong (usually an anchor).
            if (nodes > limits.MaxNodes && Where is null)
            {
                Where = node.Start;
            }

            _open.Remove(node);
            _measured[node] = (nodes, depth);
            return (nodes, depth);
        }
    }
}
