using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Gherkin;
using Gherkin.Ast;
using Reqnroll.Configuration;
using Reqnroll.Parser;

namespace Reqnroll.XunitAdapter.Model;

/// <summary>A parsed <c>.feature</c> file and its runnable scenarios. Parsed once per process.</summary>
internal sealed class FeatureFile
{
    private static readonly ConcurrentDictionary<string, Lazy<FeatureFile>> Cache = new(StringComparer.Ordinal);

    // The default feature language comes from reqnroll.json ("language": { "feature": "..." }), like the generator.
    private static readonly Lazy<string> DefaultLanguage = new(() =>
        new ConfigurationLoader(new ReqnrollJsonLocator()).Load(ConfigurationLoader.GetDefault()).FeatureLanguage.Name);

    private FeatureFile(string relativePath, Feature feature, GherkinDialect dialect)
    {
        RelativePath = relativePath;
        Feature = feature;
        Dialect = dialect;

        // One FeatureInfo per file: Reqnroll compares instances to tell when a feature ends and the next begins.
        Info = new FeatureInfo(
            new CultureInfo(feature.Language), Path.GetDirectoryName(relativePath), feature.Name, feature.Description,
            ProgrammingLanguage.CSharp, GherkinTags.Names(feature.Tags));
        Scenarios = [.. ScenarioExpander.Expand(this)];
    }

    /// <summary>Path relative to the test output directory, with '/' separators.</summary>
    public string RelativePath { get; }

    public Feature Feature { get; }

    public GherkinDialect Dialect { get; }

    public FeatureInfo Info { get; }

    public IReadOnlyList<ScenarioDefinition> Scenarios { get; }

    /// <summary>The directory feature paths are relative to: the test assembly's (output) directory.</summary>
    public static string BaseDirectoryOf(Assembly testAssembly)
        => string.IsNullOrEmpty(testAssembly.Location) ? AppContext.BaseDirectory : Path.GetDirectoryName(testAssembly.Location)!;

    /// <summary>Relative paths of the <c>.feature</c> files under <paramref name="folder"/>, in a stable order.</summary>
    public static IReadOnlyList<string> FindAll(string baseDirectory, string folder)
    {
        var root = Path.Combine(baseDirectory, folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(
                $"Feature folder '{root}' does not exist. Copy the feature files to the output directory: " +
                $"<None Update=\"{folder}/**/*.feature\" CopyToOutputDirectory=\"PreserveNewest\" />");
        }

        return [.. Directory.EnumerateFiles(root, "*.feature", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(baseDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    public static FeatureFile Load(string baseDirectory, string relativePath)
    {
        var fullPath = Path.GetFullPath(Path.Combine(baseDirectory, relativePath));
        return Cache.GetOrAdd(fullPath, _ => new Lazy<FeatureFile>(() => Parse(fullPath, relativePath))).Value;
    }

    public static ScenarioDefinition FindScenario(string baseDirectory, string scenarioId)
    {
        var relativePath = scenarioId[..scenarioId.LastIndexOf(':')];
        return Load(baseDirectory, relativePath).Scenarios.FirstOrDefault(s => s.Id == scenarioId)
            ?? throw new InvalidOperationException($"Scenario '{scenarioId}' is no longer in '{relativePath}'. Rebuild so the tests are discovered again.");
    }

    private static FeatureFile Parse(string fullPath, string relativePath)
    {
        var dialects = new ReqnrollGherkinDialectProvider(DefaultLanguage.Value);
        GherkinDocument document;
        try
        {
            using var reader = File.OpenText(fullPath);
            document = new global::Gherkin.Parser().Parse(new TokenScanner(reader), new TokenMatcher(dialects));
        }
        catch (ParserException ex)
        {
            throw new InvalidOperationException($"'{relativePath}' is not valid Gherkin: {ex.Message}", ex);
        }

        var feature = document.Feature ?? throw new InvalidOperationException($"'{relativePath}' has no Feature.");
        return new FeatureFile(relativePath, feature, dialects.GetDialect(feature.Language, feature.Location));
    }
}
