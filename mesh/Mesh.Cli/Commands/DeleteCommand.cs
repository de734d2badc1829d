using System.CommandLine;
using Mesh.Cli.Resources;

namespace Mesh.Cli.Commands;

/// <summary><c>meshctl delete &lt;kind&gt; &lt;name&gt;</c>: removes a served resource.</summary>
public static class DeleteCommand
{
    public static Command Create(CommandContext context)
    {
        var kind = new Argument<string>("kind");
        var name = new Argument<string>("name");
        var ns = new Option<string>("--namespace", "-n") { DefaultValueFactory = _ => "default" };
        var command = new Command("delete", "Delete a resource from the control plane") { kind, name, ns };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (KindNames.Resolve(result.GetValue(kind)!) is not { } resolved)
            {
                await context.Error.WriteLineAsync($"error: unknown kind '{result.GetValue(kind)}'");
                return 2;
            }

            using var client = context.Client(result);
            var outcome = await client.DeleteAsync(resolved, result.GetValue(ns)!, result.GetValue(name)!, cancellationToken);
            if (!outcome.Found)
            {
                await context.Error.WriteLineAsync($"error: {resolved} {result.GetValue(ns)}/{result.GetValue(name)} not found");
                return 1;
            }

            if (!outcome.Deleted)
            {
                await context.Error.WriteLineAsync("error: deleting it would leave the config invalid; nothing changed:");
                foreach (var finding in outcome.Findings.Where(f => f.IsError))
                {
                    await context.Error.WriteLineAsync("  " + finding.Text);
                }

                return 1;
            }

            await context.Out.WriteLineAsync($"{resolved.ToLowerInvariant()}/{result.GetValue(name)} deleted");
            return 0;
        });
        return command;
    }
}
