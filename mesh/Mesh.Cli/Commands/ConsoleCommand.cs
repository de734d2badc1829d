using System.CommandLine;
using Mesh.Cli.Admin;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>meshctl console</c>: prints the mesh console's login link (as <c>istioctl dashboard</c> opens one), carrying the
/// key derived from the operator credential, which the console exchanges for a browser session.
/// </summary>
public static class ConsoleCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("console", "Print a login link to the mesh console");
        command.SetAction(async (result, cancellationToken) =>
        {
            var credential = context.Credential(result);
            if (credential.Token is null)
            {
                await context.Error.WriteLineAsync($"error: no credential: {AdminCredential.HowToGetOne(Mesh.Security.MeshContext.DefaultPath(context.Environment))}");
                return 1;
            }

            var address = ControlPlaneAddress.Parse(credential.Address)?.ToString().TrimEnd('/') ?? credential.Address;
            var key = new Mesh.Security.OperatorCredential(address, credential.Token).ConsoleLoginKey;
            await context.Out.WriteLineAsync($"{address}/console/login.html#key={key}");
            return 0;
        });
        return command;
    }
}
