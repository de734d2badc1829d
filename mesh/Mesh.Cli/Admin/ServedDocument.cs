using Mesh.Config.Source;

namespace Mesh.Cli.Admin;

/// <summary>One document of <c>GET /api/config/documents</c>, with the file and line it was written at.</summary>
public sealed record ServedDocument(string Key, string File, int FirstLine, string Yaml)
{
    public ConfigDocument ToModel() => new(File, FirstLine, Yaml);
}
