using System.Globalization;
using System.Text.RegularExpressions;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Schema;
using Mesh.Config.Source;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.Config.Yaml;

/// <summary>
/// A YAML mapping read field by field with Istio's schema rules. Every read marks the key as known; when the
/// object is finished, the keys nobody read are reported as unknown fields (or, for fields Istio has but the mesh
/// does not implement, as warnings naming them).
/// </summary>
internal sealed partial class YamlObject
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private bool _finished;

    public YamlObject(YamlMappingNode node, string path, ReadContext context, string? schemaPath = null)
    {
        _node = node;
        Path = path;
        Context = context;
        SchemaPath = schemaPath ?? path.TrimStart('.');
    }

    public string Path { get; }

    /// <summary>Where this object sits in Istio's schema: <c>spec.http.route</c>, without list indexes; a map's keys are <c>*</c>.</summary>
    public string SchemaPath { get; }

    public IEnumerable<string> Keys => _node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToArray();

    public ReadContext Context { get; }

    public SourceSpan Span => Context.SpanOf(_node);

    public bool Has(string key) => Find(key) is not null and not YamlScalarNode { Value: null or "~" or "null", Style: ScalarStyle.Plain };

    public YamlNode? Node(string key)
    {
        _read.Add(key);
        var node = Find(key);
        return node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" or "null" or "" } ? null : node;
    }

    public SourceSpan SpanOf(string key) => Find(key) is { } node ? Context.SpanOf(node) : Span;

    public string? String(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required)
            {
                Context.Report(FindingCodes.MissingField, _node, $"{Path}.{key} is required");
            }

            return null;
        }

        return AsString(node, $"{Path}.{key}");
    }

    public IReadOnlyList<string> Strings(string key) =>
        Node(key) is { } node ? Sequence(node, $"{Path}.{key}", (n, p) => AsString(n, p)) : [];

    /// <summary>Reads a list of strings and checks each with an Istio rule, reporting MESH111 at an item it refuses.</summary>
    public IReadOnlyList<string> Strings(string key, Func<string, string?> rule) =>
        Node(key) is { } node
            ? Sequence(node, $"{Path}.{key}", (n, p) => AsString(n, p) is { } value && Check(n, p, value, rule) ? value : null)
            : [];

    /// <summary>Reads a string and checks it with an Istio rule, reporting MESH111 at the value when it refuses it.</summary>
    public string? String(string key, Func<string, string?> rule, bool required = false) =>
        String(key, required) is { } value && Check(Find(key)!, $"{Path}.{key}", value, rule) ? value : null;

    private bool Check(YamlNode node, string path, string value, Func<string, string?> rule)
    {
        if (rule(value) is not { } problem)
        {
            return true;
        }

        Context.Report(FindingCodes.InvalidValue, node, $"{path}: {problem}");
        return false;
    }

    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return EmptyMap<string>.Value;
        }

        if (node is not YamlMappingNode map)
        {
            WrongType(node, $"{Path}.{key}", "a map of strings");
            return EmptyMap<string>.Value;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (AsString(k, $"{Path}.{key}") is { } name && AsString(v, $"{Path}.{key}.{name}") is { } value)
            {
                result[name] = value;
            }
        }

        return result;
    }

    public long? Integer(string key, long min = int.MinValue, long max = int.MaxValue)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlScalarNode { Style: ScalarStyle.Plain } scalar ||
            !long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            WrongType(node, $"{Path}.{key}", "an integer");
            return null;
        }

        if (value < min || value > max)
        {
            Context.Report(FindingCodes.InvalidValue, node, $"{Path}.{key} is {value}; it must be between {min} and {max}");
            return null;
        }

        return value;
    }

    public int? Int(string key, int min = int.MinValue, int max = int.MaxValue) => (int?)Integer(key, min, max);

    public double? Double(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlScalarNode { Style: ScalarStyle.Plain } scalar ||
            !double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            WrongType(node, $"{Path}.{key}", "a number");
            return null;
        }

        return value;
    }

    public bool? Bool(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain } scalar && bool.TryParse(scalar.Value, out var value))
        {
            return value;
        }

        WrongType(node, $"{Path}.{key}", "true or false");
        return null;
    }

    /// <summary>Reads an Istio duration such as <c>1.5s</c>; Istio requires at least 1ms where a duration is set.</summary>
    public TimeSpan? Duration(string key, TimeSpan? minimum = null)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        var text = AsString(node, $"{Path}.{key}", allowPlainNumber: false);
        if (text is null)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var value))
        {
            Context.Report(FindingCodes.InvalidDuration, node, $"{Path}.{key} '{text}' is not a duration; write e.g. 1.5s, 300ms or 1m");
            return null;
        }

        if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            // Istio's ValidateDuration: "only durations to ms precision are supported".
            Context.Report(FindingCodes.InvalidDuration, node, $"{Path}.{key} '{text}' is finer than a millisecond; Istio supports durations to ms precision only");
            return null;
        }

        var min = minimum ?? TimeSpan.FromMilliseconds(1);
        if (value < min)
        {
            Context.Report(FindingCodes.InvalidDuration, node, $"{Path}.{key} '{text}' is shorter than the minimum {Durations.Format(min)}");
            return null;
        }

        return value;
    }

    public T? Enum<T>(string key) where T : struct, Enum
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        var text = AsString(node, $"{Path}.{key}");
        if (text is null)
        {
            return null;
        }

        if (EnumNames.TryParse<T>(text, out var value))
        {
            return value;
        }

        Context.Report(FindingCodes.InvalidEnum, node,
            $"{Path}.{key} '{text}' is not one of {string.Join(", ", EnumNames.Names<T>())}");
        return null;
    }

    /// <summary>Reads a regular expression and checks it compiles (Istio uses RE2; the mesh uses .NET's non-backtracking engine).</summary>
    public string? Regex(string key)
    {
        var node = Node(key);
        var text = node is null ? null : AsString(node, $"{Path}.{key}");
        if (text is null || node is null)
        {
            return null;
        }

        return CheckRegex(text, node, $"{Path}.{key}") ? text : null;
    }

    /// <summary>Reads Istio's <c>PortSelector</c>: <c>{ number: 9080 }</c>.</summary>
    public int? PortNumber(string key)
    {
        var port = Object(key);
        return port?.Finish(port.Int("number", 1, 65535));
    }

    public YamlObject? Object(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode map)
        {
            // A numeric key is a map entry (PeerAuthentication's portLevelMtls), not a field.
            return new YamlObject(map, $"{Path}.{key}", Context, Child(key.All(char.IsAsciiDigit) ? "*" : key));
        }

        WrongType(node, $"{Path}.{key}", "an object");
        return null;
    }

    public T? Object<T>(string key, Func<YamlObject, T?> read) where T : class =>
        Object(key) is { } obj ? obj.Finish(read(obj)) : null;

    public IReadOnlyList<T> List<T>(string key, Func<YamlObject, T?> read) where T : class
    {
        var node = Node(key);
        if (node is null)
        {
            return [];
        }

        return Sequence(node, $"{Path}.{key}", (n, p) =>
        {
            if (n is not YamlMappingNode map)
            {
                WrongType(n, p, "an object");
                return null;
            }

            var obj = new YamlObject(map, p, Context, Child(key));
            return obj.Finish(read(obj));
        });
    }

    public IReadOnlyDictionary<string, T> Map<T>(string key, Func<YamlObject, T?> read) where T : class
    {
        var node = Node(key);
        if (node is null)
        {
            return EmptyMap<T>.Value;
        }

        if (node is not YamlMappingNode map)
        {
            WrongType(node, $"{Path}.{key}", "a map");
            return EmptyMap<T>.Value;
        }

        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var name = AsString(k, $"{Path}.{key}", allowPlainNumber: true);
            if (name is null)
            {
                continue;
            }

            if (v is not YamlMappingNode valueMap)
            {
                WrongType(v, $"{Path}.{key}.{name}", "an object");
                continue;
            }

            var obj = new YamlObject(valueMap, $"{Path}.{key}.{name}", Context, $"{Child(key)}.*");
            if (obj.Finish(read(obj)) is { } value)
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>
    /// Reports, once, every key of this object that will not take effect. A key of an Istio kind is looked up in the
    /// field table (<see cref="IstioFields"/>): a field the mesh does not implement is a warning whether or not it was
    /// read; a field Istio does not have is an error, with a suggestion. <paramref name="unimplemented"/> names such
    /// fields for objects outside an Istio kind's spec (the simulator's topology).
    /// </summary>
    public T? Finish<T>(T? value, params string[] unimplemented)
    {
        if (_finished)
        {
            return value;
        }

        _finished = true;
        var belowUnimplemented = BelowUnimplemented();
        foreach (var (keyNode, _) in _node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var field = Field(key);
            var notImplemented = field is { Support: FieldSupport.NotImplemented } || unimplemented.Contains(key);
            if ((_read.Contains(key) && !notImplemented) || (belowUnimplemented && field is not null))
            {
                // A field below one that was already reported as not implemented is not reported again.
                continue;
            }

            if (notImplemented || field is not null)
            {
                Context.Report(FindingCodes.UnimplementedField, keyNode,
                    $"{Path}.{key} is {(field is null ? "a field" : "an Istio field")} this mesh does not implement; it is ignored" + (field?.Note is { } note ? $" ({note})" : ""));
            }
            else
            {
                var suggestion = Suggest(key);
                Context.Report(FindingCodes.UnknownField, keyNode,
                    $"unknown field '{key}' in {Path}" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
            }
        }

        return value;
    }

    /// <summary>The field table's row for a key of this object, when it lies in an Istio kind's spec.</summary>
    private IstioField? Field(string key)
    {
        if (Context.Kind is not { } kind || !(SchemaPath == "spec" || SchemaPath.StartsWith("spec.", StringComparison.Ordinal)))
        {
            return null;
        }

        var below = SchemaPath == "spec" ? key : $"{SchemaPath[5..]}.{key}";
        return IstioFields.Find(kind, below);
    }

    /// <summary>Whether this object lies below a field the table lists as not implemented (already warned about).</summary>
    private bool BelowUnimplemented()
    {
        if (Context.Kind is not { } kind || !SchemaPath.StartsWith("spec.", StringComparison.Ordinal))
        {
            return false;
        }

        var segments = SchemaPath[5..].Split('.');
        for (var i = 1; i <= segments.Length; i++)
        {
            if (IstioFields.Find(kind, string.Join('.', segments[..i])) is { Support: FieldSupport.NotImplemented })
            {
                return true;
            }
        }

        return false;
    }

    private string Child(string key) => SchemaPath.Length == 0 ? key : $"{SchemaPath}.{key}";

    /// <summary>Marks keys as known without reading them (for fields handled elsewhere or ignored on purpose).</summary>
    public void Ignore(params string[] keys) => _read.UnionWith(keys);

    public void Report(FindingCode code, string key, string message) => Context.Report(code, SpanOf(key), message);

    public bool CheckRegex(string pattern, YamlNode node, string path)
    {
        if (MeshRegex.TryValidate(pattern, out var error))
        {
            return true;
        }

        Context.Report(FindingCodes.InvalidRegex, node, $"{path} '{Truncate(pattern)}' is not a regular expression the mesh can run: {error}");
        return false;
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    public string? AsString(YamlNode node, string path, bool allowPlainNumber = false)
    {
        if (node is not YamlScalarNode scalar)
        {
            WrongType(node, path, "a string");
            return null;
        }

        if (scalar.Style == ScalarStyle.Plain && !allowPlainNumber && LooksTyped(scalar.Value ?? ""))
        {
            Context.Report(FindingCodes.WrongType, node, $"{path} must be a string, but '{scalar.Value}' reads as a number or boolean; quote it");
            return null;
        }

        return scalar.Value ?? "";
    }

    private IReadOnlyList<T> Sequence<T>(YamlNode node, string path, Func<YamlNode, string, T?> read) where T : class
    {
        if (node is not YamlSequenceNode sequence)
        {
            WrongType(node, path, "a list");
            return [];
        }

        var result = new List<T>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (read(sequence.Children[i], $"{path}[{i}]") is { } item)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private void WrongType(YamlNode node, string path, string expected)
    {
        var actual = node switch
        {
            YamlMappingNode => "an object",
            YamlSequenceNode => "a list",
            YamlScalarNode s => $"'{s.Value}'",
            _ => "something else",
        };
        Context.Report(FindingCodes.WrongType, node, $"{path} must be {expected}, not {actual}");
    }

    private YamlNode? Find(string key)
    {
        foreach (var (k, v) in _node.Children)
        {
            if (k is YamlScalarNode { Value: var name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    private string? Suggest(string key)
    {
        var known = _read.ToArray();
        return known.Select(k => (k, d: Distance(key.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.d <= Math.Max(2, key.Length / 3)).OrderBy(x => x.d).Select(x => x.k).FirstOrDefault();
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }

    private static bool LooksTyped(string value) =>
        value is "true" or "false" or "True" or "False" or "TRUE" or "FALSE" || TypedScalar().IsMatch(value);

    [GeneratedRegex(@"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex TypedScalar();

    private static class EmptyMap<T>
    {
        public static readonly IReadOnlyDictionary<string, T> Value = new Dictionary<string, T>();
    }
}
