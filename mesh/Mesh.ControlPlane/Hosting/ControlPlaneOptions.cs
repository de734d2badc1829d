namespace Mesh.ControlPlane.Hosting;

/// <summary>The control plane's settings, bound from the <c>ControlPlane</c> configuration section.</summary>
public sealed class ControlPlaneOptions
{
    public const string Section = "ControlPlane";

    /// <summary>The folder of Istio YAML the config store loads and watches.</summary>
    public string ConfigDirectory { get; set; } = "config";

    /// <summary>Where resources applied through the admin API are kept, so a restart keeps them. Empty keeps them in memory only.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>The discovery endpoint proxies connect to (gRPC over plaintext HTTP/2), like istiod's 15010.</summary>
    public string GrpcListen { get; set; } = "127.0.0.1:15010";

    /// <summary>The admin API (HTTP/1.1) meshctl talks to, like istiod's 15014.</summary>
    public string HttpListen { get; set; } = "127.0.0.1:15014";

    /// <summary>How long the config must be quiet before a push (Istio's PILOT_DEBOUNCE_AFTER).</summary>
    public TimeSpan DebounceAfter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a push waits under continuous change (Istio's PILOT_DEBOUNCE_MAX).</summary>
    public TimeSpan DebounceMax { get; set; } = TimeSpan.FromSeconds(1);
}
