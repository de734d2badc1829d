using Mesh.Config.Model.Networking;
using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

public class PathRegexRewriterTests
{
    [Theory]
    [InlineData("^/service/([^/]+)(/.*)$", "\\2/instance/\\1", "/service/foo/v1/api", "/v1/api/instance/foo")]
    [InlineData("/a", "/b", "/a/x/a", "/b/x/b")]
    [InlineData("^/price$", "/cost$1", "/price", "/cost$1")]
    public void Rewrite_SubstitutesRe2GroupsAndKeepsOtherTextLiteral(string match, string rewrite, string path, string expected) =>
        Assert.Equal(expected, new PathRegexRewriter(new RegexRewrite(match, rewrite)).Rewrite(path));

    [Fact]
    public void Rewrite_CatastrophicPatternForBacktracking_RunsInLinearTime()
    {
        // (a+)+$ on "aaaa…b" takes exponential time in a backtracking engine; the mesh's engine does not backtrack.
        var rewriter = new PathRegexRewriter(new RegexRewrite("(a+)+$", "/x"));

        Assert.Equal(new string('a', 5000) + "b", rewriter.Rewrite(new string('a', 5000) + "b"));
    }
}
