using System.Text;

namespace Mesh.Security;

/// <summary>
/// Secrets on disk, readable by their owner only: files are created 0600 (never world-readable, not even for an
/// instant) inside folders created 0700, and replaced atomically. Another user on the host cannot read them.
/// </summary>
public static class SecretFiles
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates (or tightens) a folder that only its owner may enter.</summary>
    public static string CreateFolder(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        Directory.CreateDirectory(path, OwnerFolder);
        File.SetUnixFileMode(path, OwnerFolder);
        return path;
    }

    /// <summary>Writes a secret file with owner-only permissions, atomically.</summary>
    public static void Write(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder))
        {
            CreateFolder(folder);
        }

        var temp = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerFile;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, OwnerFile);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a secret file, trimmed; null when it does not exist.</summary>
    public static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
