using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Cli.Resources;

namespace Mesh.Cli.Commands;

/// <summary><c>meshctl get &lt;kind&gt; [name]</c>: lists served resources of a kind, or prints one as YAML.</summary>
public static class GetCommand
{
    public static Command Create(CommandContext context)
    {
        var kind = new Argument<string>("kind") { Description = $"One of {string.Join(", ", KindNames.Known)} (short names such as vs, dr, gw work)" };
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var ns = new Option<string>("--namespace", "-n") { DefaultValueFactory = _ => "default" };
        var command = new Command("get", "List resources of a kind, or show one") { kind, name, ns };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (KindNames.Resolve(result.GetValue(kind)!) is not { } resolved)
            {
                await context.Error.WriteLineAsync($"error: unknown kind '{result.GetValue(kind)}'; use one of {string.Join(", ", KindNames.Known)}");
                return 2;
            }

            using var client = context.Client(result);
            if (result.GetValue(name) is { } resourceName)
            {
                var yaml = await client.ResourceYamlAsync(resolved, result.GetValue(ns)!, resourceName, cancellationToken);
                if (yaml is null)
                {
                    await context.Error.WriteLineAsync($"error: {resolved} {result.GetValue(ns)}/{resourceName} not found");
                    return 1;
                }

                await context.Out.WriteAsync(yaml);
                return 0;
            }

            var table = new Table("NAMESPACE", "NAME", "SOURCE");
            foreach (var resource in await client.ResourcesAsync(resolved, cancellationToken))
            {
                table.Add(resource.Namespace, resource.Name, resource.Source);
            }

            table.WriteTo(context.Out);
            return 0;
        });
        return command;
    }
}
