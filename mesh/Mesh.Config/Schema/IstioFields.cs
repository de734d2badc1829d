namespace Mesh.Config.Schema;

/// <summary>What the mesh does with one Istio field.</summary>
public enum FieldSupport
{
    /// <summary>Read and applied by the control plane or the proxies.</summary>
    Implemented,

    /// <summary>Istio's, accepted with a MESH104 warning, and ignored.</summary>
    NotImplemented,
}

/// <summary>One row of the field table: a path below <c>spec</c> (lists and maps do not add a segment; a map's keys are <c>*</c>).</summary>
public sealed record IstioField(string Kind, string Path, FieldSupport Support, string? Note);

/// <summary>
/// The one place that says, for every field of every Istio kind, whether the mesh implements it. The readers consult
/// it when they finish an object: a key Istio has but the mesh does not implement is a warning, a key Istio does not
/// have is an error. The table is <c>istio-fields.txt</c>, embedded; <c>docs/istio-fields.md</c> is rendered from it.
/// </summary>
public static class IstioFields
{
    private static readonly Lazy<Table> Loaded = new(Load);

    /// <summary>Every row, in the table's order.</summary>
    public static IReadOnlyList<IstioField> All => Loaded.Value.Rows;

    /// <summary>The kinds in the table, in its order.</summary>
    public static IReadOnlyList<string> Kinds => Loaded.Value.Kinds;

    /// <summary>The row for a field, after the kind's aliases; null when Istio has no such field.</summary>
    public static IstioField? Find(string kind, string path)
    {
        var table = Loaded.Value;
        if (!table.ByKind.TryGetValue(kind, out var fields))
        {
            return null;
        }

        if (fields.TryGetValue("*", out var whole))
        {
            return whole;
        }

        // An alias rewrites a prefix; a path may pass through more than one (a subset's port-level settings).
        for (var hop = 0; hop < 4; hop++)
        {
            if (fields.TryGetValue(path, out var field))
            {
                return field;
            }

            var aliases = table.Aliases.GetValueOrDefault(kind) ?? [];
            var alias = aliases.FindIndex(a => path == a.From || path.StartsWith(a.From + ".", StringComparison.Ordinal));
            if (alias < 0)
            {
                return null;
            }

            path = aliases[alias].To + path[aliases[alias].From.Length..];
        }

        return null;
    }

    /// <summary>Whether the mesh reads documents of this kind at all (a kind listed as <c>- *</c> is Istio's but skipped).</summary>
    public static bool IsKindImplemented(string kind) =>
        Loaded.Value.ByKind.TryGetValue(kind, out var fields) && !fields.ContainsKey("*");

    /// <summary>The table as Markdown, one section per kind: what <c>docs/istio-fields.md</c> holds.</summary>
    public static string ToMarkdown()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("# Istio fields: what the mesh implements");
        text.AppendLine();
        text.AppendLine("Rendered from `mesh/Mesh.Config/Schema/istio-fields.txt`, the table the config readers consult; a test keeps");
        text.AppendLine("the two equal. **implemented**: read and applied. **not implemented**: accepted with a `MESH104` warning naming");
        text.AppendLine("the field, and ignored. A field that is not in the table is not Istio's and is an error (`MESH103`).");
        text.AppendLine("Paths are below `spec`; lists add no segment and a map's keys are written `*`.");
        foreach (var kind in Kinds)
        {
            var rows = All.Where(r => r.Kind == kind).ToArray();
            text.AppendLine();
            text.AppendLine($"## {kind}");
            text.AppendLine();
            if (rows is [{ Path: "*" } whole])
            {
                text.AppendLine($"Not implemented: documents of this kind are skipped with a `MESH104` warning.{(whole.Note is null ? "" : " " + whole.Note)}");
                continue;
            }

            foreach (var alias in Loaded.Value.Aliases.GetValueOrDefault(kind) ?? [])
            {
                text.AppendLine($"Fields under `{alias.From}` are the same as under `{alias.To}`.");
                text.AppendLine();
            }

            text.AppendLine("| Field | |");
            text.AppendLine("|---|---|");
            foreach (var row in rows)
            {
                var status = row.Support == FieldSupport.Implemented ? "implemented" : "**not implemented**";
                text.AppendLine($"| `{row.Path}` | {status}{(row.Note is null ? "" : $": {row.Note}")} |");
            }
        }

        return text.ToString();
    }

    private sealed record Table(
        IReadOnlyList<IstioField> Rows,
        IReadOnlyList<string> Kinds,
        IReadOnlyDictionary<string, Dictionary<string, IstioField>> ByKind,
        IReadOnlyDictionary<string, List<(string From, string To)>> Aliases);

    private static Table Load()
    {
        using var stream = typeof(IstioFields).Assembly.GetManifestResourceStream("Mesh.Config.Schema.istio-fields.txt")
            ?? throw new InvalidOperationException("the Istio field table is not embedded in Mesh.Config");
        using var reader = new StreamReader(stream);
        var rows = new List<IstioField>();
        var kinds = new List<string>();
        var byKind = new Dictionary<string, Dictionary<string, IstioField>>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        string? kind = null;
        while (reader.ReadLine() is { } line)
        {
            var hash = line.IndexOf('#');
            var note = hash < 0 ? null : line[(hash + 1)..].Trim();
            var body = (hash < 0 ? line : line[..hash]).Trim();
            if (body.Length == 0)
            {
                continue;
            }

            if (body.StartsWith('[') && body.EndsWith(']'))
            {
                kind = body[1..^1];
                kinds.Add(kind);
                byKind[kind] = new Dictionary<string, IstioField>(StringComparer.Ordinal);
                continue;
            }

            if (kind is null)
            {
                throw new InvalidDataException($"istio-fields.txt: '{line}' comes before any [Kind]");
            }

            var parts = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["@alias", var from, var to])
            {
                (aliases.TryGetValue(kind, out var list) ? list : aliases[kind] = []).Add((from, to));
                continue;
            }

            var support = parts switch
            {
                ["+", _] => FieldSupport.Implemented,
                ["-", _] => FieldSupport.NotImplemented,
                _ => throw new InvalidDataException($"istio-fields.txt: '{line}' is not '+ path', '- path' or '@alias from to'"),
            };
            var field = new IstioField(kind, parts[1], support, string.IsNullOrEmpty(note) ? null : note);
            rows.Add(field);
            byKind[kind][field.Path] = field;
        }

        return new Table(rows, kinds, byKind, aliases);
    }
}
