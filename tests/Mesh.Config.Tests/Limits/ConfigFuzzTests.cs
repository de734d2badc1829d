using Mesh.Config.Diagnostics;
using Mesh.Config.Validation;

namespace Mesh.Config.Tests.Limits;

/// <summary>
/// Seeded mutations of every sample config and every file of the Istio corpus (half-saved files, stray brackets, wrong types, aliases, deleted and
/// doubled lines): each loads clean or with findings, and the loader and the analyzer never throw or report a defect of
/// their own (MESH100).
/// </summary>
public class ConfigFuzzTests
{
    private const int Seed = 20261207;
    private const int MutationsPerFile = 150;

    private static readonly string[] Fragments =
    [
        "[", "]", "{", "}", ":", ": ", "- ", ",", "&a ", "*a", "*b", "!!binary ", "!custom ", "|", ">", "'", "\"", "#", "%YAML 1.2\n",
        "---\n", "...\n", "\t", "\\", "? ", "~", "null", "0x1F", "1e999", "-1", "99999999999999999999", "\u00e9", "\ud83d\ude00", "\u0000", "\r",
        "<<: *a\n", "&a [*a]", "{a: 1, a: 2}", "[[[[[[[[", "regex: \"(?=x)\"", "regex: \"(a)\\\\1\"", "credentialName: ../../x",
    ];

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in new[] { "config", "samples", "Corpus" }
                     .SelectMany(d => Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, d), "*.yaml", SearchOption.AllDirectories))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(AppContext.BaseDirectory, file));
        }

        return data;
    }

    [Fact]
    public void Samples_AreEnoughToFuzz() => Assert.True(Samples().Count >= 20, $"only {Samples().Count} sample files");

    [Theory]
    [MemberData(nameof(Samples))]
    public void Mutations_GiveFindingsOrACleanLoad_NeverAnException(string sample)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, sample));
        var random = new Random(Seed ^ StringComparer.Ordinal.GetHashCode(sample) % 1000);
        for (var i = 0; i < MutationsPerFile; i++)
        {
            var mutated = Mutate(text, random);
            var result = ConfigLoader.LoadText(mutated, "fuzz.yaml");
            var findings = result.Findings.Concat(ConfigAnalyzer.Analyze(new ConfigSet(result.Resources))).ToArray();

            var defect = findings.FirstOrDefault(f => f.Code == FindingCodes.InternalError.Code);
            Assert.True(defect is null, $"{sample}, mutation {i}: {defect}\n--- input ---\n{mutated}");
            Assert.All(findings, f => Assert.True(f.Source.File == "fuzz.yaml" && f.Source.Line >= 0, $"{sample}, mutation {i}: {f}"));
            Assert.True(result.Resources.Count > 0 || findings.Length > 0 || string.IsNullOrWhiteSpace(mutated) || mutated.Contains('#') || IsEmptyYaml(mutated),
                $"{sample}, mutation {i}: nothing loaded and nothing said\n--- input ---\n{mutated}");
        }
    }

    private static bool IsEmptyYaml(string text) =>
        text.Split('\n').All(l => l.Trim().Length == 0 || l.Trim() is "---" or "..." || l.TrimStart().StartsWith('#'));

    /// <summary>One to three edits of the kinds a hand, an editor or an attacker makes.</summary>
    private static string Mutate(string text, Random random)
    {
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var lines = text.Split('\n').ToList();
            var line = random.Next(lines.Count);
            var position = random.Next(text.Length + 1);
            text = random.Next(10) switch
            {
                0 => text[..random.Next(text.Length + 1)],                                           // half-saved file
                1 => text.Insert(position, Fragments[random.Next(Fragments.Length)]),               // a stray token
                2 => string.Join('\n', lines.Where((_, i) => i != line)),                           // a lost line
                3 => string.Join('\n', lines.Take(line + 1).Concat(lines.Skip(line))),              // a doubled line
                4 => string.Join('\n', lines.Select((l, i) => i == line ? new string(' ', random.Next(8)) + l.TrimStart() : l)), // indentation
                5 => ReplaceValue(lines, line, random),                                              // a value of another type
                6 => position < text.Length ? text.Remove(position, Math.Min(random.Next(1, 12), text.Length - position)) : text,
                7 => string.Join('\n', lines.Select((l, i) => i == line ? l.Replace(':', random.Next(2) == 0 ? '=' : ' ') : l)),
                8 => ToRegex(text, random),                                                          // a string match made a regex
                _ => text + "\n" + Fragments[random.Next(Fragments.Length)] + "\n",
            };
        }

        return text;
    }

    /// <summary>Turns one exact or prefix match (or any scalar after a key) into a regex with a construct RE2 lacks, or a valid one.</summary>
    private static string ToRegex(string text, Random random)
    {
        string[] patterns = ["\"(?=x)y\"", "\"(a)\\\\1\"", "\"(?<n>a)\\\\k<n>\"", "\"a{2,}\"", "\"[\"", "\"\"", "\"/api/.*\""];
        var at = text.IndexOf(random.Next(2) == 0 ? "exact: " : "prefix: ", StringComparison.Ordinal);
        if (at < 0)
        {
            at = text.IndexOf(": ", random.Next(Math.Max(1, text.Length)), StringComparison.Ordinal);
            return at < 0 ? text : text[..at] + ": {regex: " + patterns[random.Next(patterns.Length)] + "}" + text[(text.IndexOf('\n', at) is var end and >= 0 ? end : text.Length)..];
        }

        var valueEnd = text.IndexOfAny(['\n', '}', ','], at);
        return text[..at] + "regex: " + patterns[random.Next(patterns.Length)] + (valueEnd < 0 ? "" : text[valueEnd..]);
    }

    private static string ReplaceValue(List<string> lines, int line, Random random)
    {
        string[] values = ["[]", "{}", "42", "-7", "true", "\"\"", "[a, b]", "{x: y}", "1.5e3", "null", "'*'", "*a", "&a {}", "\"0ms\"", "999999s"];
        var colon = lines[line].IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0)
        {
            lines[line] = lines[line][..(colon + 2)] + values[random.Next(values.Length)];
        }

        return string.Join('\n', lines);
    }
}
