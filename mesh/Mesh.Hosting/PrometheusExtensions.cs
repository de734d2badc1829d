using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// Runs the Debian <c>prometheus</c> package beside the mesh, as Istio's Prometheus add-on: it scrapes the control
/// plane's <c>/metrics</c> (job <c>pilot</c>) and every proxy's <c>/stats/prometheus</c> (job <c>envoy-stats</c>),
/// finding proxies through the control plane's registry rather than a static list.
/// </summary>
public static class PrometheusExtensions
{
    /// <summary>Where Debian installs Prometheus.</summary>
    public const string DefaultExecutable = "/usr/bin/prometheus";

    /// <summary>
    /// Adds Prometheus on http://127.0.0.1:<paramref name="port"/> when <paramref name="executable"/> exists, or returns
    /// null (the rest of the mesh runs without it).
    /// </summary>
    public static IResourceBuilder<ExecutableResource>? AddPrometheus(this ServiceMesh mesh, string name = "prometheus", int port = 9090,
        string executable = DefaultExecutable, TimeSpan? scrapeInterval = null)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        if (!File.Exists(executable))
        {
            return null;
        }

        var directory = Path.Combine(Path.GetTempPath(), $"mesh-prometheus-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var configFile = Path.Combine(directory, "prometheus.yml");
        var interval = Duration(scrapeInterval ?? TimeSpan.FromSeconds(2));

        // Prometheus finds the proxies through the control plane's registry, which only a caller it allows may read: its
        // own service account, a viewer. Its token is a file only the user running the app host can read.
        var serviceAccount = $"system:serviceaccount:{mesh.Namespace}:prometheus";
        var tokenFile = mesh.WriteToken(name, mesh.TokenFor("prometheus"));

        // The config needs the control plane's port, known once endpoints are allocated: write it just before start.
        mesh.Builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            File.WriteAllText(configFile, Config(interval, $"{ServiceMeshExtensions.Localhost}:{ControlPlanePort(mesh)}", tokenFile));
            return Task.CompletedTask;
        });

        // The console's traffic graph is built from this Prometheus, as Kiali's is.
        mesh.ControlPlane
            .WithEnvironment("ControlPlane__Prometheus", $"http://{ServiceMeshExtensions.Localhost}:{port.ToString(CultureInfo.InvariantCulture)}")
            .WithEnvironment("ControlPlane__Admin__Viewers__0", serviceAccount);
        return mesh.Builder.AddExecutable(name, executable, directory,
                $"--config.file={configFile}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address={ServiceMeshExtensions.Localhost}:{port.ToString(CultureInfo.InvariantCulture)}",
                "--storage.tsdb.retention.time=1d")
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithHttpHealthCheck("/-/ready")
            .WithUrlForEndpoint("http", u => u.DisplayText = "Prometheus")
            .WaitFor(mesh.ControlPlane);
    }

    private static int ControlPlanePort(ServiceMesh mesh) =>
        mesh.ControlPlane.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port
            ?? throw new InvalidOperationException("the control plane's http endpoint has no fixed port");

    private static string Duration(TimeSpan interval) => $"{(int)interval.TotalMilliseconds}ms";

    /// <summary>Prometheus' config: the control plane statically, the proxies through HTTP service discovery.</summary>
    public static string Config(string interval, string controlPlane, string? tokenFile = null) => $"""
        # Written by the AppHost: the proxies to scrape come from the control plane's registry.
        global:
          scrape_interval: {interval}
          evaluation_interval: {interval}
        scrape_configs:
        - job_name: pilot
          metrics_path: /metrics
          static_configs:
          - targets: ["{controlPlane}"]
            labels: {"{"}app: istiod{"}"}
        - job_name: envoy-stats
          http_sd_configs:
          - url: http://{controlPlane}/api/prometheus/targets
            refresh_interval: {interval}{(tokenFile is null ? "" : $"\n    authorization:\n      type: Bearer\n      credentials_file: {tokenFile}")}
        """;
}
