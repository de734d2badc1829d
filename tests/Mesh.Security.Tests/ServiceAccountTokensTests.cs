using Microsoft.Extensions.Time.Testing;

namespace Mesh.Security.Tests;

public class ServiceAccountTokensTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly byte[] _key = "a secret the app host shares with the CA!"u8.ToArray();

    [Fact]
    public void Issue_ThenValidate_GivesTheIdentity()
    {
        var token = ServiceAccountTokens.Issue(_key, "default", "bookinfo-reviews", TimeSpan.FromHours(1), _time);

        Assert.True(ServiceAccountTokens.TryValidate(_key, token, _time, out var ns, out var sa, out var error), error);
        Assert.Equal(("default", "bookinfo-reviews"), (ns, sa));
    }

    [Fact]
    public void Validate_Expired_WrongKey_Tampered_Garbage_AreRefused()
    {
        var token = ServiceAccountTokens.Issue(_key, "default", "reviews", TimeSpan.FromMinutes(1), _time);
        var parts = token.Split('.');
        var tampered = $"{parts[0]}.{ServiceAccountTokens.Base64Url("""{"aud":"mesh-ca","sub":"system:serviceaccount:default:admin","exp":9999999999}"""u8)}.{parts[2]}";

        Assert.False(ServiceAccountTokens.TryValidate("another key"u8.ToArray(), token, _time, out _, out _, out _));
        Assert.False(ServiceAccountTokens.TryValidate(_key, tampered, _time, out _, out _, out var tamperedError));
        Assert.Contains("signature", tamperedError);
        Assert.False(ServiceAccountTokens.TryValidate(_key, "not.a.jwt.at.all", _time, out _, out _, out _));
        Assert.False(ServiceAccountTokens.TryValidate(_key, null, _time, out _, out _, out _));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(ServiceAccountTokens.TryValidate(_key, token, _time, out _, out _, out var expired));
        Assert.Contains("expired", expired);
    }
}
