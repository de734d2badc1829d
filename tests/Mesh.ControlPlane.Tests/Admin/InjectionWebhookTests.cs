using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.ControlPlane.Security;
using Mesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.ControlPlane.Tests.Admin;

/// <summary>The webhook as the API server calls it: TLS to the Service's DNS name, trusting only the caBundle (the CA's root).</summary>
public sealed class InjectionWebhookTests : IAsyncLifetime
{
    private const string ServiceName = "mesh-controlplane.istio-system.svc";

    private readonly TempDirectory _config = new();
    private ControlPlaneHost _host = null!;
    private HttpClient _apiServer = null!;

    public async Task InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_config.Path, webhook: true);
        var roots = _host.App.Services.GetRequiredService<CertificateService>().Authority.TrustBundle.Roots;
        var port = _host.WebhookAddress!.Port;
        _apiServer = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        }) { BaseAddress = new Uri($"https://{ServiceName}:{port}") };
    }

    [Fact]
    public async Task Inject_PodReview_OverTlsTrustedByTheCaBundle_ReturnsTheSidecarPatch()
    {
        var review = Review(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["generateName"] = "reviews-v1-5c9d8f7b4-", ["labels"] = new JsonObject { ["app"] = "reviews", ["version"] = "v1", ["pod-template-hash"] = "5c9d8f7b4" } },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "reviews", ["image"] = "reviews:1" }) },
        });

        using var response = await _apiServer.PostAsync("/inject", new StringContent(review, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!;
        Assert.True(answer["allowed"]!.GetValue<bool>());
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String(answer["patch"]!.GetValue<string>()));
        Assert.Contains("registry.example/mesh/mesh-proxy:1.2.3", patch, StringComparison.Ordinal);
        Assert.Contains("http://mesh-controlplane.istio-system.svc:", patch, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"reviews-v1\"", patch, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inject_ReviewWithoutObject_IsRefusedInTheReview()
    {
        using var response = await _apiServer.PostAsync("/inject", new StringContent(Review(null), Encoding.UTF8, "application/json"));

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!;
        Assert.False(answer["allowed"]!.GetValue<bool>());
        Assert.Contains("no object", answer["status"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inject_NotAReview_Is400WithTheReason()
    {
        using var response = await _apiServer.PostAsync("/inject", new StringContent("{\"kind\":\"Pod\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an AdmissionReview", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _apiServer.Dispose();
        await _host.DisposeAsync();
        _config.Dispose();
    }

    private static string Review(JsonNode? pod) => new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject { ["uid"] = "1", ["namespace"] = "bookinfo", ["operation"] = "CREATE", ["object"] = pod },
    }.ToJsonString();
}
