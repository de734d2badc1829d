using Mesh.Config.Diagnostics;
using Mesh.Config.Validation;

namespace Mesh.Config.Tests.Corpus;

/// <summary>
/// Istio's invalid test data (<c>Corpus/istio/…</c>, unchanged) and the mesh's own (<c>Corpus/invalid</c>), listed in
/// <c>Corpus/invalid.txt</c>: each invalid document is refused at the line and with the code the manifest names.
/// The documents the mesh does not refuse are listed too, as gaps, and may be at most a tenth of them.
/// </summary>
public sealed class InvalidCorpusTests
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "Corpus");

    /// <summary>One manifest line: a file, the document in it (1-based, or * for the whole file read together), and
    /// the code and line of the error it must give, or "gap" when the mesh accepts it.</summary>
    public sealed record Expectation(string File, string Document, string Code, int Line)
    {
        public bool IsGap => Code == "gap";

        public override string ToString() => $"{File} #{Document}";
    }

    public static IReadOnlyList<Expectation> Manifest() =>
        File.ReadLines(Path.Combine(Root, "invalid.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => new Expectation(p[0], p[1], p[2], p.Length > 3 ? int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture) : 0))
            .ToArray();

    public static TheoryData<string> Refused() => new(Manifest().Where(e => !e.IsGap).Select(e => $"{e.File} {e.Document} {e.Code} {e.Line}"));

    [Theory]
    [MemberData(nameof(Refused))]
    public void AnInvalidDocument_IsRefusedAtItsLine_WithItsCode(string line)
    {
        var parts = line.Split(' ');
        var errors = Errors(parts[0], parts[1]);

        Assert.True(errors.Any(e => e.Code == parts[2] && e.Source.Line == int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture)),
            $"expected {parts[2]} at line {parts[3]}; the errors are:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void AtLeastNineInTen_AreRefused_AndTheGapsListedAreReal()
    {
        var manifest = Manifest();
        var documents = manifest.Select(e => (e.File, e.Document)).Distinct().ToArray();
        var gaps = manifest.Where(e => e.IsGap).ToArray();

        foreach (var gap in gaps)
        {
            Assert.True(Errors(gap.File, gap.Document).Count == 0, $"{gap} is refused now: give its code and line in invalid.txt");
        }

        Assert.True(documents.Length >= 80, $"only {documents.Length} invalid documents in the corpus");
        Assert.True(gaps.Length * 10 <= documents.Length, $"{gaps.Length} of {documents.Length} invalid documents are accepted: {string.Join(", ", gaps.Select(g => g.ToString()))}");
    }

    [Fact]
    public void TheManifest_ListsEveryInvalidDocument()
    {
        var listed = Manifest().Select(e => (e.File, e.Document)).ToHashSet();
        var files = Directory.EnumerateFiles(Root, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => f.StartsWith("invalid/", StringComparison.Ordinal) || f.EndsWith("-invalid.yaml", StringComparison.Ordinal));
        var missing = files.SelectMany(f => Documents(f).Select((_, i) => (File: f, Document: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .Where(d => !listed.Contains(d) && !listed.Contains((d.File, "*"))).ToArray();

        Assert.True(missing.Length == 0, $"not in invalid.txt: {string.Join(", ", missing.Select(m => $"{m.File} #{m.Document}"))}");
    }

    /// <summary>The errors of one document read alone (as Istio's CRD tests apply each), or of the whole file.</summary>
    private static IReadOnlyList<Finding> Errors(string file, string document)
    {
        var text = document == "*" ? Read(file) : Documents(file)[int.Parse(document, System.Globalization.CultureInfo.InvariantCulture) - 1];
        var loaded = ConfigLoader.LoadText(text, file);
        return loaded.Findings.Concat(ConfigAnalyzer.Analyze(new ConfigSet(loaded.Resources)))
            .Where(f => f.Severity == Severity.Error).ToArray();
    }

    /// <summary>
    /// The file's documents, each padded with empty lines so that its line numbers are the file's. Istio's test files
    /// carry the expected error in a top-level <c>_err</c> field, which is made a comment (same line) before reading.
    /// </summary>
    internal static string[] Documents(string file)
    {
        var lines = Read(file).Split('\n');
        var documents = new List<string>();
        var start = 0;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i == lines.Length || lines[i].TrimEnd() == "---")
            {
                var body = lines[start..i];
                if (body.Any(l => l.StartsWith("kind:", StringComparison.Ordinal)))
                {
                    documents.Add(string.Concat(Enumerable.Repeat("\n", start)) + string.Join('\n', body));
                }

                start = i + 1;
            }
        }

        return documents.ToArray();
    }

    private static string Read(string file) =>
        string.Join('\n', File.ReadAllText(Path.Combine(Root, file)).ReplaceLineEndings("\n").Split('\n')
            .Select(l => l.StartsWith("_err:", StringComparison.Ordinal) ? "#" + l : l));
}
