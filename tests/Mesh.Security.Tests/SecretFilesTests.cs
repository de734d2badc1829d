using System.Diagnostics;
using System.Runtime.Versioning;

namespace Mesh.Security.Tests;

/// <summary>Secrets on disk as another user on the same host meets them: unreadable, and their folder closed.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecretFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mesh-secrets-test-").FullName;

    [Fact]
    public void Write_CreatesAnOwnerOnlyFileInAnOwnerOnlyFolder_AndReplacesItAtomically()
    {
        var path = Path.Combine(_root, "secrets", "token");

        SecretFiles.Write(path, "first");
        SecretFiles.Write(path, "second");

        Assert.Equal("second", SecretFiles.Read(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(path)!));
    }

    [SkippableFact]
    public async Task AnotherUser_CannotReadTheSecret_NorListItsFolder()
    {
        Skip.IfNot(Environment.UserName == "root" && File.Exists("/usr/bin/setpriv"), "needs root and setpriv to act as another user");
        // The folder itself open to all, so that only the file's own mode stands between 'nobody' and the secret.
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        var file = Path.Combine(_root, "token");
        SecretFiles.Write(file, "a secret");
        var folder = SecretFiles.CreateFolder(Path.Combine(_root, "closed"));

        var (readExit, readError) = await AsNobodyAsync("cat", file);
        var (listExit, listError) = await AsNobodyAsync("ls", folder);

        Assert.NotEqual(0, readExit);
        Assert.Contains("Permission denied", readError, StringComparison.Ordinal);
        Assert.NotEqual(0, listExit);
        Assert.Contains("Permission denied", listError, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Error)> AsNobodyAsync(string command, string path)
    {
        using var process = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", command, path])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, error);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
