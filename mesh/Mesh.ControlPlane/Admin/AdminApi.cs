using Mesh.Config;
using Mesh.Config.Diagnostics;
using Mesh.Config.Validation;
using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Registry;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Admin;

/// <summary>
/// The HTTP API <c>meshctl</c> talks to: apply, get and delete config; the config status and live analysis;
/// the registry; proxy status and each proxy's config dump.
/// </summary>
public static class AdminApi
{
    public const string SourceHeader = "X-Mesh-Source";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints, string host)
    {
        var root = endpoints.MapGroup("/api").RequireHost(host);
        var api = root.MapGroup("").RequireAdmin(AdminRole.View);
        var edit = root.MapGroup("").RequireAdmin(AdminRole.Edit);

        api.MapGet("/config", (ConfigStore store, string? kind) => store.Current.Resources
            .Where(r => kind is null || string.Equals(r.Kind, kind, StringComparison.OrdinalIgnoreCase))
            .Select(r => new { kind = r.Kind, @namespace = r.Namespace, name = r.Name, source = r.Source.ToString() }));

        // Every served document as one multi-document YAML, with comments saying where each came from.
        api.MapGet("/config/export", (ConfigStore store) => Results.Text(
            string.Concat(store.Current.Resources.Select(r => $"---\n# {r.Key} from {r.Document?.File}:{r.Document?.FirstLine}\n{r.Document?.Text.TrimEnd()}\n")),
            "application/yaml"));

        // The served documents with their origin, so a client can load them with the user's file and line numbers.
        api.MapGet("/config/documents", (ConfigStore store) => store.Current.Resources.Select(r => new
        {
            key = r.Key,
            file = r.Document?.File ?? r.Source.File,
            firstLine = r.Document?.FirstLine ?? 1,
            yaml = r.Document?.Text ?? "",
        }));

        api.MapGet("/config/{kind}/{ns}/{name}", (ConfigStore store, string kind, string ns, string name) =>
            store.Current.Resources.FirstOrDefault(r => string.Equals(r.Kind, kind, StringComparison.OrdinalIgnoreCase) && r.Namespace == ns && r.Name == name) is { } resource
                ? Results.Text(resource.Document?.Text ?? "", "application/yaml")
                : Results.NotFound(new { error = $"{kind}/{ns}/{name} not found" }));

        edit.MapPost("/config", async (HttpRequest request, ConfigStore store, IOptions<ControlPlaneOptions> options) =>
        {
            if (PlatformOwnsConfig(options.Value) is { } owned)
            {
                return owned;
            }

            // The body is bounded by what the whole config may hold; a larger one is refused before it is read.
            var limit = ConfigLimits.Default.MaxTotalBytes;
            if (request.ContentLength > limit)
            {
                return Results.Json(new { error = $"the body is {request.ContentLength} bytes; all config together may hold at most {limit} bytes" },
                    statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var yaml = await ReadBoundedAsync(request, limit);
            if (yaml is null)
            {
                return Results.Json(new { error = $"the body is larger than {limit} bytes, the most all config together may hold" },
                    statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var source = request.Headers[SourceHeader].FirstOrDefault() ?? "api";
            var findings = store.Apply(yaml, source);
            var accepted = !findings.Any(f => f.Severity == Severity.Error);
            return Results.Json(new { accepted, revision = store.Status.Revision, findings = findings.Select(Describe) },
                statusCode: accepted ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });

        edit.MapDelete("/config/{kind}/{ns}/{name}", (ConfigStore store, IOptions<ControlPlaneOptions> options, string kind, string ns, string name) =>
        {
            if (PlatformOwnsConfig(options.Value) is { } owned)
            {
                return owned;
            }

            var key = store.Current.Resources.FirstOrDefault(r => string.Equals(r.Kind, kind, StringComparison.OrdinalIgnoreCase) && r.Namespace == ns && r.Name == name)?.Key;
            if (key is null)
            {
                return Results.NotFound(new { error = $"{kind}/{ns}/{name} not found" });
            }

            var deleted = store.Delete(key, out var findings);
            return Results.Json(new { deleted, findings = findings.Select(Describe) },
                statusCode: deleted ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });

        // Back to exactly what the folder says: every applied resource and API deletion is dropped.
        edit.MapPost("/config/reset", (ConfigStore store, IOptions<ControlPlaneOptions> options) =>
        {
            if (PlatformOwnsConfig(options.Value) is { } owned)
            {
                return owned;
            }

            var findings = store.ResetApplied();
            return Results.Json(new { revision = store.Status.Revision, findings = findings.Select(Describe) });
        });

        api.MapGet("/config/status", (ConfigStore store) =>
        {
            var status = store.Status;
            return new
            {
                revision = status.Revision,
                acceptedAt = status.AcceptedAt,
                lastChangeRejected = status.LastChangeRejected,
                rejectedAt = status.RejectedAt,
                rejectedSource = status.RejectedSource,
                rejectedFindings = status.RejectedFindings.Select(Describe),
                findings = status.Findings.Select(Describe),
            };
        });

        api.MapGet("/analyze", (ConfigStore store) => store.Analyze().Select(Describe));

        api.MapGet("/registry", (WorkloadRegistry registry) =>
        {
            var snapshot = registry.Snapshot();
            return new
            {
                workloads = snapshot.Workloads.Select(w => new
                {
                    name = w.Name, @namespace = w.Namespace, labels = w.Labels, serviceAccount = w.ServiceAccount,
                    address = w.Address, healthy = w.Healthy, gateway = w.IsGateway,
                    ports = w.Ports.Select(p => new { name = p.Name, servicePort = p.ServicePort, port = p.Port }),
                }),
                services = snapshot.Services.Select(s => new { host = s.Host, ports = s.Ports.Select(p => new { name = p.Name, number = p.Number, protocol = p.Protocol.ToString().ToLowerInvariant() }) }),
            };
        });

        api.MapGet("/ca", (Security.CertificateService certificates) => certificates.Enabled
            ? Results.Json(new
            {
                trustDomain = certificates.Authority.TrustDomain,
                issued = certificates.Authority.Issued,
                roots = certificates.Authority.TrustBundle.Roots.Select(r => new { subject = r.Subject, serial = r.SerialNumber, notAfter = r.NotAfter }),
            })
            : Results.Json(new { enabled = false }));

        edit.MapPost("/ca/rotate-root", (Security.TrustBundlePublisher publisher, Security.CertificateService certificates, string? overlap) =>
        {
            if (!certificates.Enabled)
            {
                return Results.Json(new { error = "the CA is not enabled" }, statusCode: StatusCodes.Status409Conflict);
            }

            if (!Config.Model.Durations.TryParse(overlap ?? "1h", out var window))
            {
                return Results.Json(new { error = $"overlap '{overlap}' is not a duration such as 30s or 1h" }, statusCode: StatusCodes.Status400BadRequest);
            }

            publisher.RotateRoot(window);
            return Results.Json(new { roots = certificates.Authority.TrustBundle.Roots.Count });
        });

        api.MapGet("/proxies", (ProxyConnections connections) =>
            connections.All.OrderBy(c => c.ProxyId, StringComparer.Ordinal).Select(c => ProxyStatus.From(c, connections.Current?.Version)));

        // The dump travels over the proxy's own authenticated stream: the control plane never dials an address a proxy chose.
        api.MapGet("/proxies/{proxyId}/config_dump", async (ProxyConnections connections, string proxyId, CancellationToken cancellationToken) =>
        {
            var connection = connections.All.FirstOrDefault(c => c.ProxyId == proxyId) ?? connections.All.FirstOrDefault(c => c.Workload.Name == proxyId);
            if (connection is null)
            {
                return Results.NotFound(new { error = $"no connected proxy '{proxyId}'" });
            }

            try
            {
                return Results.Text(await connection.ConfigDumpAsync(cancellationToken), "application/json");
            }
            catch (TimeoutException e)
            {
                return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status504GatewayTimeout);
            }
        });

        // Prometheus HTTP service discovery (http_sd_configs): one target per connected proxy's admin listener, with
        // the labels Istio's Prometheus config derives from pods. The registry, not a static file, says what to scrape.
        api.MapGet("/prometheus/targets", (ProxyConnections connections) => connections.All
            .Where(c => c.StatsAddress is not null)
            .OrderBy(c => c.Workload.Name, StringComparer.Ordinal)
            .Select(c => new
            {
                targets = new[] { c.StatsAddress },
                labels = new Dictionary<string, string>
                {
                    ["__metrics_path__"] = "/stats/prometheus",
                    ["pod"] = c.Workload.Name,
                    ["namespace"] = c.Workload.Namespace,
                    ["app"] = c.Workload.App,
                    ["version"] = c.Workload.Version,
                    ["proxy_type"] = c.Kind == Contracts.Discovery.ProxyKind.Gateway ? "router" : "sidecar",
                },
            }));

        return endpoints;
    }

    /// <summary>On Kubernetes the config is the Istio custom resources, changed through the API server under its RBAC.</summary>
    private static IResult? PlatformOwnsConfig(ControlPlaneOptions options) =>
        string.Equals(options.Discovery, "Kubernetes", StringComparison.OrdinalIgnoreCase)
            ? Results.Json(new { error = "on Kubernetes the mesh's config is its Istio custom resources: change them with kubectl apply/delete, under the API server's RBAC" },
                statusCode: StatusCodes.Status409Conflict)
            : null;

    /// <summary>The body as text, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    private static async Task<string?> ReadBoundedAsync(HttpRequest request, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static object Describe(Finding finding) => new
    {
        code = finding.Code,
        severity = finding.Severity.ToString().ToLowerInvariant(),
        file = finding.Source.File,
        line = finding.Source.Line,
        column = finding.Source.Column,
        message = finding.Message,
        resource = finding.Resource,
        istioCode = finding.IstioCode,
        text = finding.ToString(),
    };
}
