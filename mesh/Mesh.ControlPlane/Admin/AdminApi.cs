using Mesh.Config.Diagnostics;
using Mesh.Config.Validation;
using Mesh.ControlPlane.Configuration;
using Mesh.ControlPlane.Discovery;
using Mesh.ControlPlane.Registry;

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
        var api = endpoints.MapGroup("/api").RequireHost(host);

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

        api.MapPost("/config", async (HttpRequest request, ConfigStore store) =>
        {
            using var reader = new StreamReader(request.Body);
            var yaml = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            var source = request.Headers[SourceHeader].FirstOrDefault() ?? "api";
            var findings = store.Apply(yaml, source);
            var accepted = !findings.Any(f => f.Severity == Severity.Error);
            return Results.Json(new { accepted, revision = store.Status.Revision, findings = findings.Select(Describe) },
                statusCode: accepted ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });

        api.MapDelete("/config/{kind}/{ns}/{name}", (ConfigStore store, string kind, string ns, string name) =>
        {
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
        api.MapPost("/config/reset", (ConfigStore store) =>
        {
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

        api.MapPost("/ca/rotate-root", (Security.TrustBundlePublisher publisher, Security.CertificateService certificates, string? overlap) =>
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

        api.MapGet("/proxies/{proxyId}/config_dump", async (ProxyConnections connections, IHttpClientFactory clients, string proxyId, CancellationToken cancellationToken) =>
        {
            var connection = connections.All.FirstOrDefault(c => c.ProxyId == proxyId || c.Workload.Name == proxyId);
            if (connection is null)
            {
                return Results.NotFound(new { error = $"no connected proxy '{proxyId}'" });
            }

            var dump = await clients.CreateClient("proxy-admin").GetStringAsync($"http://{connection.AdminAddress}/config_dump", cancellationToken);
            return Results.Text(dump, "application/json");
        });

        // Prometheus HTTP service discovery (http_sd_configs): one target per connected proxy's admin listener, with
        // the labels Istio's Prometheus config derives from pods. The registry, not a static file, says what to scrape.
        api.MapGet("/prometheus/targets", (ProxyConnections connections) => connections.All
            .Where(c => !string.IsNullOrEmpty(c.AdminAddress))
            .OrderBy(c => c.Workload.Name, StringComparer.Ordinal)
            .Select(c => new
            {
                targets = new[] { c.AdminAddress },
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

    private static object Describe(Finding finding) => new
    {
        code = finding.Code,
        severity = finding.Severity.ToString().ToLowerInvariant(),
        file = finding.Source.File,
        line = finding.Source.Line,
        column = finding.Source.Column,
        message = finding.Message,
        resource = finding.Resource,
        text = finding.ToString(),
    };
}
