namespace Mesh.Security.Tests;

public class SpiffeIdTests
{
    [Fact]
    public void Parse_IstioForm_GivesTheParts()
    {
        var id = SpiffeId.Parse("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");

        Assert.Equal(new SpiffeId("cluster.local", "default", "bookinfo-reviews"), id);
        Assert.Equal("cluster.local/ns/default/sa/bookinfo-reviews", id.Principal);
        Assert.Equal("spiffe://cluster.local/ns/default/sa/bookinfo-reviews", id.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("https://cluster.local/ns/default/sa/x", "spiffe://")]
    [InlineData("spiffe://cluster.local/default/x", "/ns/")]
    [InlineData("spiffe://cluster.local/ns/default/sa/", "non-empty")]
    [InlineData("spiffe://Cluster.Local/ns/default/sa/x", "trust domain")]
    [InlineData("spiffe://cluster.local/ns/default/sa/x/extra", "/ns/")]
    public void TryParse_Malformed_SaysWhy(string uri, string reason)
    {
        Assert.False(SpiffeId.TryParse(uri, out _, out var error));
        Assert.Contains(reason, error);
        Assert.Throws<FormatException>(() => SpiffeId.Parse(uri));
    }
}
