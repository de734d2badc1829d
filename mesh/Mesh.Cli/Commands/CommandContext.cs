using System.CommandLine;
using Mesh.Cli.Admin;

namespace Mesh.Cli.Commands;

/// <summary>What every command shares: where to write, and how to reach the control plane and with what credential.</summary>
public sealed record CommandContext(Option<string?> ControlPlaneOption, TextWriter Out, TextWriter Error, Func<string, string?> Environment)
{
    public Option<string?> TokenOption { get; } = new("--token")
    {
        Description = $"A bearer token for the admin API (default ${AdminCredential.TokenVariable}, else the local mesh's operator credential)",
        Recursive = true,
    };

    public Option<string?> CredentialsOption { get; } = new("--credentials")
    {
        Description = $"A credential file ({{\"server\", \"token\"}}, as the control plane writes its operator credential; default ${AdminCredential.CredentialsVariable})",
        Recursive = true,
    };

    public AdminCredential Credential(ParseResult result) =>
        AdminCredential.Resolve(result.GetValue(ControlPlaneOption), result.GetValue(TokenOption), result.GetValue(CredentialsOption), Environment);

    public ControlPlaneClient Client(ParseResult result)
    {
        var credential = Credential(result);
        var address = ControlPlaneAddress.Parse(credential.Address)
            ?? throw new ControlPlaneUnreachableException(new Uri("http://invalid"), $"'{credential.Address}' is not an http(s) address");
        return new ControlPlaneClient(address, credential.Token, Mesh.Security.MeshContext.DefaultPath(Environment));
    }
}
