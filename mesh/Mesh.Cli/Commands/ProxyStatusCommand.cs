using System.CommandLine;
using Mesh.Cli.Output;

namespace Mesh.Cli.Commands;

/// <summary><c>meshctl proxy-status</c>: every connected proxy, the config version it last ACKed, and SYNCED, STALE or NACKED.</summary>
public static class ProxyStatusCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("proxy-status", "Show every proxy's config sync status");
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.Client(result);
            var proxies = await client.ProxiesAsync(cancellationToken);
            var table = new Table("NAME", "KIND", "STATUS", "ACKED", "SENT", "ERROR");
            foreach (var proxy in proxies)
            {
                table.Add(proxy.ProxyId, proxy.Kind, proxy.Status, proxy.AckedVersion ?? "-", proxy.SentVersion ?? "-", proxy.Status == "NACKED" ? proxy.NackError : "");
            }

            table.WriteTo(context.Out);
            if (proxies.Count == 0)
            {
                await context.Out.WriteLineAsync("(no proxies are connected)");
            }

            return 0;
        });
        return command;
    }
}
