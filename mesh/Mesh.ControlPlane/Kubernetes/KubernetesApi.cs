using k8s;
using Mesh.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Kubernetes;

/// <summary>
/// The connection to the Kubernetes API, from KubernetesClient: the in-cluster service account's token and CA, or
/// <c>ControlPlane:KubernetesApi</c> (a test server) when set. Shared by discovery and the token reviewer.
/// </summary>
public sealed class KubernetesApi : IDisposable
{
    public KubernetesApi(IOptions<ControlPlaneOptions> options)
    {
        var configuration = string.IsNullOrEmpty(options.Value.KubernetesApi)
            ? KubernetesClientConfiguration.InClusterConfig()
            : new KubernetesClientConfiguration { Host = options.Value.KubernetesApi };
        Client = new k8s.Kubernetes(configuration);
        Client.HttpClient.Timeout = Timeout.InfiniteTimeSpan;
    }

    public k8s.Kubernetes Client { get; }

    public HttpClient Http => Client.HttpClient;

    public Uri BaseUri => Client.BaseUri;

    public void Dispose() => Client.Dispose();
}
