using Mesh.Config.Diagnostics;
using Mesh.Config.Validation;

namespace Mesh.Config.Tests.Corpus;

/// <summary>
/// Istio's own files (<c>Corpus/istio</c>, from istio/istio, listed in <c>Corpus/valid.txt</c>): each loads and
/// analyzes with no error beside the companions Istio's tasks apply with it (Istio's CRD test data, a document at a time). Warnings name what the mesh does not
/// implement and are allowed.
/// </summary>
public sealed class CorpusTests
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "Corpus");

    private static IEnumerable<string> Lines() =>
        File.ReadLines(Path.Combine(Root, "valid.txt")).Where(l => l.Length > 0 && !l.StartsWith('#'));

    public static TheoryData<string> Valid() => new(Lines());

    [Fact]
    public void TheManifest_ListsEveryCorpusFile()
    {
        var listed = Lines().Select(l => l.Split(' ')[0])
            .Concat(InvalidCorpusTests.Manifest().Select(e => e.File)).ToHashSet(StringComparer.Ordinal);
        var unlisted = Directory.EnumerateFiles(Path.Combine(Root, "istio"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Where(f => !listed.Contains(f)).ToArray();

        Assert.True(unlisted.Length == 0, $"in neither valid.txt nor invalid.txt: {string.Join(", ", unlisted)}");
        Assert.True(listed.Count >= 40, $"only {listed.Count} files in the corpus");
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void AValidIstioFile_LoadsWithNoError(string line)
    {
        var files = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => Path.Combine(Root, f)).ToArray();
        if (line.Contains("/testdata/crds/", StringComparison.Ordinal))
        {
            // Istio's CRD test data is applied a document at a time (its documents reuse names and namespaces).
            foreach (var document in InvalidCorpusTests.Documents(line))
            {
                var one = ConfigLoader.LoadText(document, line);
                var oneErrors = one.Findings.Concat(ConfigAnalyzer.Analyze(new ConfigSet(one.Resources))).Where(f => f.Severity == Severity.Error).ToArray();
                Assert.True(oneErrors.Length == 0, string.Join("\n", oneErrors.Select(e => e.ToString())));
            }

            return;
        }

        var loaded = ConfigLoader.LoadPaths(files);
        var findings = loaded.Findings.Concat(ConfigAnalyzer.Analyze(new ConfigSet(loaded.Resources)));

        // A companion may define what the file redefines (Istio's tasks apply the file over it): duplicates are not the file's.
        var errors = findings.Where(f => f.Severity == Severity.Error && !(files.Length > 1 && f.Code == FindingCodes.DuplicateResource.Code)).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => e.ToString())));
    }
}
