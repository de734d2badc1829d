using System.Text;
using System.Text.Json;

namespace Mesh.Security;

/// <summary>
/// Which mesh a user's tools talk to, as kubectl's current context: <c>~/.mesh/config.json</c> names the control
/// plane's admin address and the credential file to present. The app host writes it when it starts the mesh, so that
/// <c>meshctl</c> works with no flags; it holds a path, never a secret.
/// </summary>
public sealed record MeshContext(string ControlPlane, string CredentialsFile)
{
    public const string EnvironmentVariable = "MESH_CONFIG";

    /// <summary><c>$MESH_CONFIG</c>, else <c>~/.mesh/config.json</c>.</summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(EnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mesh", "config.json");
    }

    public static MeshContext? Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            return new MeshContext(
                root.TryGetProperty("controlPlane", out var c) ? c.GetString() ?? "" : "",
                root.TryGetProperty("credentialsFile", out var f) ? f.GetString() ?? "" : "");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a mesh context file: {e.Message}", e);
        }
    }

    public void Write(string path)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("controlPlane", ControlPlane);
            json.WriteString("credentialsFile", CredentialsFile);
            json.WriteEndObject();
        }

        SecretFiles.Write(path, Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
    }
}
