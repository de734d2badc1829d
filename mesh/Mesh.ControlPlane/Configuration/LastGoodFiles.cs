using System.Text;

namespace Mesh.ControlPlane.Configuration;

/// <summary>
/// The last version of each config-folder file that the control plane accepted, kept in the state folder, so that a
/// control plane restarted while a file is half saved still serves that file's last good version, not nothing.
/// </summary>
public sealed class LastGoodFiles(string stateDirectory)
{
    private readonly string _directory = Path.Combine(stateDirectory, "folder-last-good");

    public string? Read(string file)
    {
        var path = PathOf(file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Replaces the kept versions with these (file path → text).</summary>
    public void Write(IReadOnlyDictionary<string, string> files)
    {
        Directory.CreateDirectory(_directory);
        var keep = files.Keys.Select(PathOf).ToHashSet(StringComparer.Ordinal);
        foreach (var (file, text) in files)
        {
            var path = PathOf(file);
            if (File.Exists(path) && File.ReadAllText(path) == text)
            {
                continue;
            }

            File.WriteAllText(path + ".tmp", text);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        foreach (var stale in Directory.EnumerateFiles(_directory).Where(f => !keep.Contains(f)))
        {
            File.Delete(stale);
        }
    }

    private string PathOf(string file) =>
        Path.Combine(_directory, Convert.ToBase64String(Encoding.UTF8.GetBytes(file)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".yaml");
}
