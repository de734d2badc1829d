using System.Text;
using Mesh.Config;
using Mesh.Config.Model;

namespace Mesh.ControlPlane.Configuration;

/// <summary>
/// Keeps resources applied through the admin API on disk, as the documents the user sent, so that a restarted
/// control plane serves the same config. Deletions of folder resources are kept as tombstone keys.
/// </summary>
public sealed class AppliedConfigFile(string directory)
{
    private readonly string _applied = Path.Combine(directory, "applied.yaml");
    private readonly string _deleted = Path.Combine(directory, "deleted.txt");

    /// <summary>The config folder's last good files, kept in the same state folder.</summary>
    public LastGoodFiles LastGood { get; } = new(directory);

    public Dictionary<string, MeshResource?>? Read()
    {
        if (!File.Exists(_applied) && !File.Exists(_deleted))
        {
            return null;
        }

        var result = new Dictionary<string, MeshResource?>(StringComparer.Ordinal);
        if (File.Exists(_applied))
        {
            foreach (var resource in ConfigLoader.LoadPaths([_applied]).Resources)
            {
                result[resource.Key] = resource;
            }
        }

        if (File.Exists(_deleted))
        {
            foreach (var key in File.ReadAllLines(_deleted).Where(l => l.Length > 0))
            {
                result[key] = null;
            }
        }

        return result;
    }

    public void Write(IReadOnlyDictionary<string, MeshResource?> applied)
    {
        Directory.CreateDirectory(directory);
        var yaml = new StringBuilder();
        foreach (var resource in applied.Values.OfType<MeshResource>())
        {
            yaml.Append("---\n").Append("# applied from ").Append(resource.Document?.File).Append('\n').Append(resource.Document?.Text.TrimEnd()).Append('\n');
        }

        WriteAtomically(_applied, yaml.ToString());
        WriteAtomically(_deleted, string.Join('\n', applied.Where(a => a.Value is null).Select(a => a.Key)));
    }

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
