using System.CommandLine;
using Mesh.Cli.Admin;
using Mesh.Cli.Commands;

namespace Mesh.Cli;

/// <summary>
/// meshctl: analyze config offline; apply, get and delete it on the control plane; see every proxy's sync status and
/// what one proxy is really using; and explain which rule routes a request, and why.
/// </summary>
public static class MeshCtl
{
    /// <summary>Exit codes: 0 success, 1 findings or a refusal, 2 the control plane is unreachable or the command line is wrong.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var controlPlane = new Option<string?>("--control-plane")
        {
            Description = $"The control plane's admin API (default ${ControlPlaneAddress.EnvironmentVariable}, else {ControlPlaneAddress.Default})",
            Recursive = true,
        };
        var context = new CommandContext(controlPlane, stdout, stderr, environment ?? Environment.GetEnvironmentVariable);
        var root = new RootCommand("meshctl: the mesh's command line")
        {
            AnalyzeCommand.Create(context),
            ApplyCommand.Create(context),
            GetCommand.Create(context),
            DeleteCommand.Create(context),
            ProxyStatusCommand.Create(context),
            ProxyConfigCommand.Create(context),
            RouteCommand.Create(context),
            KubeInjectCommand.Create(context),
            ConsoleCommand.Create(context),
        };
        root.Options.Add(controlPlane);
        root.Options.Add(context.TokenOption);
        root.Options.Add(context.CredentialsOption);
        var parsed = root.Parse(args);
        try
        {
            var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            return parsed.Errors.Count > 0 ? 2 : code;
        }
        catch (ControlPlaneUnreachableException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        catch (ControlPlaneException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
