namespace Mesh.Cli.Tests;

/// <summary>Runs meshctl in-process, as a user would from a shell, and keeps what it printed.</summary>
public static class MeshCtlRunner
{
    public static async Task<(int Exit, string Out, string Error)> RunAsync(Uri? controlPlane, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var all = controlPlane is null ? args : [.. args, "--control-plane", controlPlane.ToString()];
        var exit = await MeshCtl.RunAsync(all, stdout, stderr, _ => null);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static string Repo(string path) => Path.Combine(AppContext.BaseDirectory, path);
}
