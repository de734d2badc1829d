namespace Mesh.Proxy.Configuration;

/// <summary>What the proxy stands for: one workload's sidecar, or the ingress gateway.</summary>
public enum ProxyMode
{
    Sidecar,
    Gateway,
}
