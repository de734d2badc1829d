using System.Text;

namespace Mesh.Kubernetes.Manifests;

/// <summary>Splits a YAML stream into its documents, keeping each one's text and the line it starts on.</summary>
public static class YamlStream
{
    public static IEnumerable<(string Text, int Line)> Documents(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        var start = 1;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i == lines.Length || lines[i].TrimEnd() == "---" || lines[i].StartsWith("--- ", StringComparison.Ordinal))
            {
                if (current.ToString().Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')))
                {
                    yield return (current.ToString(), start);
                }

                current.Clear();
                start = i + 2;
                continue;
            }

            current.Append(lines[i]).Append('\n');
        }
    }
}
