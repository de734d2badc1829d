using Mesh.Config.Model;
using Mesh.Config.Source;
using Mesh.DataPlane.Routing;

namespace Mesh.DataPlane.Tests.Routing;

public class StringMatcherTests
{
    [Theory]
    [InlineData(StringMatchKind.Exact, "/productpage", "/productpage", true)]
    [InlineData(StringMatchKind.Exact, "/productpage", "/productpage/", false)]
    [InlineData(StringMatchKind.Prefix, "/api/v1", "/api/v1/products", true)]
    [InlineData(StringMatchKind.Prefix, "/api/v1", "/api/v2", false)]
    [InlineData(StringMatchKind.Regex, "/reviews/[0-9]+", "/reviews/12", true)]
    [InlineData(StringMatchKind.Regex, "/reviews/[0-9]+", "/reviews/12/x", false)]
    [InlineData(StringMatchKind.Regex, "[0-9]+", "a1", false)]
    public void IsMatch_ByKind_FollowsIstioSemantics(StringMatchKind kind, string pattern, string value, bool expected) =>
        Assert.Equal(expected, new StringMatcher(new StringMatch(kind, pattern, SourceSpan.None)).IsMatch(value));

    [Fact]
    public void IsMatch_Absent_NeverMatches() =>
        Assert.False(new StringMatcher(new StringMatch(StringMatchKind.Prefix, "", SourceSpan.None)).IsMatch(null));

    [Fact]
    public void IsMatch_IgnoreCase_AppliesToExactAndPrefix()
    {
        Assert.True(new StringMatcher(new StringMatch(StringMatchKind.Prefix, "/API", SourceSpan.None), ignoreCase: true).IsMatch("/api/v1"));
        Assert.False(new StringMatcher(new StringMatch(StringMatchKind.Prefix, "/API", SourceSpan.None)).IsMatch("/api/v1"));
    }
}
