using System.CommandLine;
using Mesh.Cli.Output;

namespace Mesh.Cli.Commands;

/// <summary><c>meshctl proxy-config routes|clusters &lt;proxy&gt;</c>: what one proxy is really using, from its config dump.</summary>
public static class ProxyConfigCommand
{
    public static Command Create(CommandContext context) => new("proxy-config", "Show a proxy's routes or clusters")
    {
        Sub(context, "routes", ConfigDumpFormatter.Routes),
        Sub(context, "clusters", ConfigDumpFormatter.Clusters),
    };

    private static Command Sub(CommandContext context, string name, Action<string, TextWriter> format)
    {
        var proxy = new Argument<string>("proxy") { Description = "A proxy id (reviews-v1.default) or workload name (reviews-v1)" };
        var output = new Option<string>("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };
        var command = new Command(name, $"Show the {name} the proxy routes with") { proxy, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.Client(result);
            var dump = await client.ConfigDumpAsync(result.GetValue(proxy)!, cancellationToken);
            if (dump is null)
            {
                await context.Error.WriteLineAsync($"error: no connected proxy '{result.GetValue(proxy)}'; see meshctl proxy-status");
                return 1;
            }

            if (result.GetValue(output) == "json")
            {
                await context.Out.WriteLineAsync(Json.Indent(dump));
            }
            else
            {
                format(dump, context.Out);
            }

            return 0;
        });
        return command;
    }
}
