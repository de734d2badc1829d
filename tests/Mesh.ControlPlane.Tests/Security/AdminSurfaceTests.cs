using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Security;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Security;

/// <summary>
/// The admin API as an attacker on the same host meets it: no credential is 401, a credential that may not is 403, a
/// write from another origin or a foreign Host is refused, only YAML and JSON bodies are read, and nothing changes.
/// </summary>
public sealed class AdminSurfaceTests : IAsyncLifetime
{
    private const string VirtualService = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n";

    private readonly TempDirectory _config = new();
    private readonly byte[] _tokenKey = "the key the app host signs service-account tokens with"u8.ToArray();
    private readonly HttpClient _anonymous = new();
    private ControlPlaneHost _controlPlane = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path, settings: new Dictionary<string, string?>
        {
            ["ControlPlane:TokenKey"] = Convert.ToBase64String(_tokenKey),
            ["ControlPlane:Admin:Viewers:0"] = "system:serviceaccount:monitoring:prometheus",
            ["ControlPlane:Admin:Editors:0"] = "system:serviceaccount:ops:meshctl",
        });
        _anonymous.BaseAddress = _controlPlane.AdminAddress;
        _operator = _controlPlane.AdminClient();
    }

    public static TheoryData<string, string> Surfaces => new()
    {
        { "GET", "/api/config" },
        { "GET", "/api/config/export" },
        { "GET", "/api/config/status" },
        { "GET", "/api/registry" },
        { "GET", "/api/proxies" },
        { "GET", "/api/analyze" },
        { "GET", "/api/ca" },
        { "GET", "/api/prometheus/targets" },
        { "GET", "/api/graph?type=workload&window=1m" },
        { "POST", "/api/config" },
        { "DELETE", "/api/config/VirtualService/default/reviews" },
        { "POST", "/api/config/reset" },
        { "POST", "/api/ca/rotate-root?overlap=1ms" },
        { "POST", "/api/canary/preview" },
    };

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task EverySurface_WithoutACredential_Is401(string method, string path)
    {
        using var response = await _anonymous.SendAsync(Request(method, path, VirtualService, "application/yaml"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("credential", (await ErrorAsync(response)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsAndTheConsolesPages_StayOpen()
    {
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync("/console/login.html")).StatusCode);
    }

    [Fact]
    public async Task Operator_MayApply()
    {
        using var response = await _operator.SendAsync(Request("POST", "/api/config", VirtualService, "application/yaml"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ServiceAccountNotListed_Is403_AndChangesNothing()
    {
        var revision = await RevisionAsync();
        using var client = WithToken(ServiceAccountTokens.Issue(_tokenKey, "default", "bookinfo-details", TimeSpan.FromHours(1), TimeProvider.System));

        using var read = await client.GetAsync("/api/registry");
        using var write = await client.SendAsync(Request("POST", "/api/config", VirtualService, "application/yaml"));

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("system:serviceaccount:default:bookinfo-details", await ErrorAsync(write), StringComparison.Ordinal);
        Assert.Equal(revision, await RevisionAsync());
    }

    [Fact]
    public async Task Viewer_MayRead_ButNotWrite()
    {
        using var client = WithToken(ServiceAccountTokens.Issue(_tokenKey, "monitoring", "prometheus", TimeSpan.FromHours(1), TimeProvider.System));

        using var read = await client.GetAsync("/api/prometheus/targets");
        using var write = await client.SendAsync(Request("POST", "/api/config/reset", null, null));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("only read", await ErrorAsync(write), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editor_MayWrite()
    {
        using var client = WithToken(ServiceAccountTokens.Issue(_tokenKey, "ops", "meshctl", TimeSpan.FromHours(1), TimeProvider.System));

        using var write = await client.SendAsync(Request("POST", "/api/config", VirtualService, "application/yaml"));

        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl")]
    public async Task InvalidToken_Is401(string token)
    {
        using var client = WithToken(token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/config")).StatusCode);
    }

    [Fact]
    public async Task CrossSiteTextPlainPost_WithTheOperatorsCredential_IsRefused_AndChangesNothing()
    {
        var revision = await RevisionAsync();

        // What a web page can send without a CORS preflight: a text/plain POST, with its own Origin.
        using var fromPage = Request("POST", "/api/config", VirtualService, "text/plain");
        fromPage.Headers.Add("Origin", "http://evil.example");
        using var refused = await _operator.SendAsync(fromPage);

        // The same origin, but a body type a form could send.
        using var plain = await _operator.SendAsync(Request("POST", "/api/config", VirtualService, "text/plain"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("evil.example", await ErrorAsync(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal(revision, await RevisionAsync());
    }

    [Fact]
    public async Task DnsRebinding_AForeignHost_IsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/config");
        request.Headers.Host = "evil.example:" + _controlPlane.AdminAddress.Port;

        using var response = await _operator.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SecFetchSiteCrossSite_IsRefused()
    {
        using var request = Request("POST", "/api/config/reset", null, null);
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        Assert.Equal(HttpStatusCode.Forbidden, (await _operator.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task UnterminatedFlowSequence_IsA422WithItsLine_NotA500()
    {
        using var response = await _operator.SendAsync(Request("POST", "/api/config",
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: d}\nspec:\n  hosts: [details\n", "application/yaml"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var finding = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("findings")[0];
        Assert.Equal("MESH101", finding.GetProperty("code").GetString());
        Assert.Equal(6, finding.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task BodyOverTheConfigLimit_Is413_BeforeItIsRead()
    {
        var huge = new string('#', (int)Mesh.Config.ConfigLimits.Default.MaxTotalBytes + 1);

        using var response = await _operator.SendAsync(Request("POST", "/api/config", huge, "application/yaml"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AliasBomb_Is422WithMesh114()
    {
        var bomb = new StringBuilder("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bomb}\nspec:\n  hosts: [details]\n  a0: &a0 {exact: v}\n");
        for (var i = 1; i <= 8; i++)
        {
            bomb.Append("  a").Append(i).Append(": &a").Append(i).Append(" [").Append(string.Join(",", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }

        using var response = await _operator.SendAsync(Request("POST", "/api/config", bomb.ToString(), "application/yaml"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("MESH114", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task ConsoleSession_FromTheLoginKey_IsAnHttpOnlyStrictCookie_ThatReadsTheApi()
    {
        var key = new OperatorCredential("", _controlPlane.OperatorToken).ConsoleLoginKey;
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = _controlPlane.AdminAddress };

        using var wrong = await browser.PostAsJsonAsync("/console/session", new { key = "guess" });
        using var login = await browser.PostAsJsonAsync("/console/session", new { key });
        using var read = await browser.GetAsync("/api/config");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_controlPlane.OperatorToken, cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task ForgedSessionCookie_Is401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/config");
        request.Headers.Add("Cookie", $"mesh-console={DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}.forged");

        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.SendAsync(request)).StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void OperatorCredentialFile_IsReadableByItsOwnerOnly()
    {
        using var state = new TempDirectory();
        var path = Path.Combine(state.Path, "nested", "operator-credentials.json");

        var credential = OperatorCredential.LoadOrCreate(path, "http://127.0.0.1:15014");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(credential, OperatorCredential.LoadOrCreate(path, "http://other"));
        Assert.Equal(43, credential.Token.Length);
    }

    private HttpClient WithToken(string token)
    {
        var client = new HttpClient { BaseAddress = _controlPlane.AdminAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static HttpRequestMessage Request(string method, string path, string? body, string? type)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null && method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8, type ?? "application/yaml");
            if (type is not null)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
            }
        }

        return request;
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString() ?? "";

    private async Task<long> RevisionAsync() =>
        (await _operator.GetFromJsonAsync<JsonElement>("/api/config/status")).GetProperty("revision").GetInt64();

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        _anonymous.Dispose();
        await _controlPlane.DisposeAsync();
        _config.Dispose();
    }
}
