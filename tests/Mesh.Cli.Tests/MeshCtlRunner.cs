namespace Mesh.Cli.Tests;

/// <summary>Runs meshctl in-process, as a user would from a shell, and keeps what it printed.</summary>
public static class MeshCtlRunner
{
    public static async Task<(int Exit, string Out, string Error)> RunAsync(Uri? controlPlane, params string[] args) =>
        await RunAsync(controlPlane, null, _ => null, args);

    /// <summary>Runs meshctl against a test control plane with its operator token, as the local credential gives it.</summary>
    public static Task<(int Exit, string Out, string Error)> RunWithCredentialAsync(Mesh.TestSupport.ControlPlaneHost controlPlane, params string[] args) =>
        RunAsync(controlPlane.AdminAddress, controlPlane.OperatorToken, _ => null, args);

    public static async Task<(int Exit, string Out, string Error)> RunAsync(Uri? controlPlane, string? token, Func<string, string?> environment, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        string[] all = [.. args, .. controlPlane is null ? [] : new[] { "--control-plane", controlPlane.ToString() }, .. token is null ? [] : new[] { "--token", token }];
        var exit = await MeshCtl.RunAsync(all, stdout, stderr, environment);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static string Repo(string path) => Path.Combine(AppContext.BaseDirectory, path);
}
