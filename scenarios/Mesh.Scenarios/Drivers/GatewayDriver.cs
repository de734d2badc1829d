using System.Net;
using System.Security.Cryptography;

namespace Mesh.Scenarios.Drivers;

/// <summary>A reader's browser at the ingress gateway: sends requests and keeps the last response.</summary>
public sealed class GatewayDriver(RunningMesh mesh) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false })
    {
        BaseAddress = mesh.Gateway,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public HttpResponseMessage? LastResponse { get; private set; }

    public string LastBody { get; private set; } = "";

    /// <summary>The W3C trace id the last request started with, so that its trace can be found in the dashboard.</summary>
    public string? LastTraceId { get; private set; }

    public async Task<HttpStatusCode> GetAsync(string path, string? user = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        LastTraceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        request.Headers.Add("traceparent", $"00-{LastTraceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        if (user is not null)
        {
            request.Headers.Add("Cookie", $"user={user}");
        }

        LastResponse?.Dispose();
        LastResponse = await _http.SendAsync(request);
        LastBody = await LastResponse.Content.ReadAsStringAsync();
        return LastResponse.StatusCode;
    }

    public void Dispose()
    {
        LastResponse?.Dispose();
        _http.Dispose();
    }
}
