using System.Text.Json;
using Mesh.Config.Registry;

namespace Mesh.ControlPlane.Registry;

/// <summary>
/// The registry as it last was, kept in the state directory, so a restarted control plane can serve what the mesh
/// looked like until the proxies have reconnected (istiod gets the same continuity from the Kubernetes API).
/// </summary>
public sealed class RegistryStateFile(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string _path = Path.Combine(directory, "registry.json");

    public IReadOnlyDictionary<string, Workload> Read()
    {
        try
        {
            return File.Exists(_path)
                ? JsonSerializer.Deserialize<Dictionary<string, Workload>>(File.ReadAllBytes(_path), Json) ?? []
                : new Dictionary<string, Workload>();
        }
        catch (JsonException)
        {
            // A torn or foreign file: start empty, as a first start would.
            return new Dictionary<string, Workload>();
        }
    }

    public void Write(IReadOnlyDictionary<string, Workload> workloads)
    {
        Directory.CreateDirectory(directory);
        var temporary = _path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(workloads, Json));
        File.Move(temporary, _path, overwrite: true);
    }
}
