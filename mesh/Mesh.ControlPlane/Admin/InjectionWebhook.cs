using System.Security.Cryptography.X509Certificates;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Security;
using Mesh.Kubernetes.Injection;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Admin;

/// <summary>
/// The sidecar injection webhook, as istiod's: <c>POST /inject</c> takes the API server's AdmissionReview for a Pod
/// and answers with the JSONPatch that adds the init container and the sidecar. It is served over TLS with a
/// certificate this control plane's CA issues for its Service's DNS names, re-issued at half-life.
/// </summary>
public sealed class InjectionWebhook(CertificateService certificates, IOptions<ControlPlaneOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private readonly Lock _lock = new();
    private X509Certificate2? _certificate;

    public InjectionSettings Settings { get; } = new(options.Value.ProxyImage,
        $"http://{options.Value.ServiceName}.{options.Value.Namespace}.svc:{Port(options.Value.GrpcListen)}");

    /// <summary>The DNS names the API server uses to call the webhook (Service, namespace, cluster domain).</summary>
    public IReadOnlyList<string> DnsNames { get; } =
    [
        $"{options.Value.ServiceName}.{options.Value.Namespace}.svc",
        $"{options.Value.ServiceName}.{options.Value.Namespace}.svc.cluster.local",
        $"{options.Value.ServiceName}.{options.Value.Namespace}",
        options.Value.ServiceName,
    ];

    /// <summary>The serving certificate, issued on first use and again once half its life has passed.</summary>
    public X509Certificate2 Certificate
    {
        get
        {
            lock (_lock)
            {
                if (_certificate is null || time.GetUtcNow() > _certificate.NotBefore.ToUniversalTime() + (Lifetime / 2))
                {
                    _certificate = certificates.Authority.IssueServingCertificate(DnsNames, Lifetime);
                }

                return _certificate;
            }
        }
    }

    public static void Map(WebApplication app, string host) =>
        app.MapPost("/inject", async (HttpRequest request, InjectionWebhook webhook) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            try
            {
                return Results.Text(AdmissionWebhook.Review(body, webhook.Settings), "application/json");
            }
            catch (InjectionException e)
            {
                return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status400BadRequest);
            }
        }).RequireHost(host);

    private static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
