using System.Text;

namespace Mesh.Kubernetes.Manifests;

/// <summary>Writes the manifests to a folder: one file per part and a kustomization.yaml that lists them.</summary>
public static class ManifestFolder
{
    public static IReadOnlyList<string> Write(MeshManifestModel model, string directory)
    {
        var files = KubernetesManifests.Build(model);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var file in files)
        {
            var text = new StringBuilder();
            foreach (var document in file.Documents)
            {
                text.Append("---\n").Append(KubernetesManifests.Serialize(document));
            }

            var path = Path.Combine(directory, file.Name);
            File.WriteAllText(path, text.ToString());
            written.Add(path);
        }

        var kustomization = Path.Combine(directory, "kustomization.yaml");
        File.WriteAllText(kustomization, KubernetesManifests.Kustomization(model, files));
        written.Add(kustomization);
        return written;
    }
}
