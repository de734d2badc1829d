using System.CommandLine;
using Mesh.Cli.Admin;

namespace Mesh.Cli.Commands;

/// <summary>What every command shares: where to write, and how to reach the control plane.</summary>
public sealed record CommandContext(Option<string?> ControlPlaneOption, TextWriter Out, TextWriter Error, Func<string, string?> Environment)
{
    public ControlPlaneClient Client(ParseResult result)
    {
        var text = result.GetValue(ControlPlaneOption) ?? ControlPlaneAddress.FromEnvironment(Environment);
        var address = ControlPlaneAddress.Parse(text) ?? throw new ControlPlaneUnreachableException(new Uri("http://invalid"), $"'{text}' is not an http(s) address");
        return new ControlPlaneClient(address);
    }
}
