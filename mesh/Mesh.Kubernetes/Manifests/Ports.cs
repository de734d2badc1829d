namespace Mesh.Kubernetes.Manifests;

/// <summary>The fixed ports of the mesh on Kubernetes, Istio's where Istio has one.</summary>
public static class MeshPorts
{
    /// <summary>Control plane: discovery (gRPC), like istiod's 15010.</summary>
    public const int Discovery = 15010;

    /// <summary>Control plane: admin API and metrics, like istiod's 15014.</summary>
    public const int ControlPlaneHttp = 15014;

    /// <summary>Control plane: the injection webhook (TLS), like istiod's 15017.</summary>
    public const int Webhook = 15017;

    /// <summary>Sidecar: admin (config dump, certificates, runtime overrides), on 127.0.0.1 only, as Envoy's 15000.</summary>
    public const int ProxyAdmin = 15000;

    /// <summary>Sidecar: Prometheus stats (<c>/stats/prometheus</c>), as Istio's 15090.</summary>
    public const int ProxyStats = 15090;

    /// <summary>Sidecar: readiness (<c>/healthz/ready</c>) and the app's rewritten probes, as Istio's 15021.</summary>
    public const int ProxyHealth = 15021;

    /// <summary>Sidecar: where iptables sends outbound traffic, as Envoy's 15001.</summary>
    public const int Outbound = 15001;

    /// <summary>Sidecar: where iptables sends inbound traffic, as Envoy's 15006.</summary>
    public const int Inbound = 15006;

    /// <summary>The sidecar's user; its own traffic is not intercepted (Istio's 1337).</summary>
    public const long ProxyUid = 1337;
}
