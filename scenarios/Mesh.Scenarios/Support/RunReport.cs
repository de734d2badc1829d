using System.Globalization;
using System.Text;

namespace Mesh.Scenarios.Support;

/// <summary>
/// The readable record of a scenario run: per scenario, its steps with outcome and time, every load it ran with the
/// load driver's figures, and the chaos journal and rollout it produced. Written as Markdown when the run ends.
/// </summary>
public static class RunReport
{
    private static readonly List<string> Scenarios = [];

    /// <summary>Where the report goes: MESH_SCENARIO_REPORT, else artifacts/scenarios/report.md in the repository.</summary>
    public static string Path => Environment.GetEnvironmentVariable("MESH_SCENARIO_REPORT") is { Length: > 0 } path
        ? path
        : System.IO.Path.Combine(RepositoryRoot(), "artifacts", "scenarios", "report.md");

    public static void Add(string section)
    {
        lock (Scenarios)
        {
            Scenarios.Add(section);
        }
    }

    public static void Write()
    {
        lock (Scenarios)
        {
            if (Scenarios.Count == 0)
            {
                return;
            }

            var text = new StringBuilder("# Scenario run\n\n")
                .Append(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:u}, {Environment.MachineName}, {Environment.ProcessorCount} cores, {Scenarios.Count} scenarios\n\n");
            foreach (var scenario in Scenarios)
            {
                text.Append(scenario).Append('\n');
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.WriteAllText(Path, text.ToString());
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Mesh.sln")))
            {
                return directory.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
