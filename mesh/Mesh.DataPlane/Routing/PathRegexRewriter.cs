using System.Text.RegularExpressions;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.Routing;

/// <summary>
/// Istio's <c>uriRegexRewrite</c>, compiled once per route with the mesh's linear-time engine: every match in the path
/// is replaced, and the rewrite's RE2-style groups (<c>\1</c>) become .NET's (<c>$1</c>).
/// </summary>
public sealed partial class PathRegexRewriter(RegexRewrite rewrite)
{
    private readonly Regex _match = MeshRegex.Create(rewrite.Match);
    private readonly string _replacement = Group().Replace(rewrite.Rewrite.Replace("$", "$$", StringComparison.Ordinal), "$${$1}");

    public string Rewrite(string path) => _match.Replace(path, _replacement);

    [GeneratedRegex(@"\\(\d)")]
    private static partial Regex Group();
}
