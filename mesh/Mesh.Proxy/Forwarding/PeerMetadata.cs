using Mesh.Config.Registry;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Who sent a request, passed from the source proxy to the destination proxy in a header (Istio's metadata
/// exchange), so that the destination can label its metrics with the source workload. Stripped before the app.
/// </summary>
public sealed record PeerMetadata(string Workload, string Namespace, string App, string Version)
{
    public const string HeaderName = "x-mesh-peer-metadata";

    public static readonly PeerMetadata Unknown = new("unknown", "unknown", "unknown", "unknown");

    public static PeerMetadata From(Workload workload) => new(workload.Name, workload.Namespace, workload.App, workload.Version);

    public string Encode() => $"workload={Workload};namespace={Namespace};app={App};version={Version}";

    public static PeerMetadata Decode(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return Unknown;
        }

        var fields = header.Split(';').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        string Field(string name) => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : "unknown";
        return new PeerMetadata(Field("workload"), Field("namespace"), Field("app"), Field("version"));
    }
}
