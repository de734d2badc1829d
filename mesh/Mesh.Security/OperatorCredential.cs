using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mesh.Security;

/// <summary>
/// The operator's credential for the mesh's admin surfaces, in the spirit of a kubeconfig: the control plane's address
/// and a bearer token, in a JSON file only its owner can read (<see cref="SecretFiles"/>). The control plane keeps it in
/// its state folder and creates it at first start; <c>meshctl</c>, the console's login and the chaos engine present it.
/// </summary>
public sealed record OperatorCredential(string Server, string Token)
{
    /// <summary>A new credential with a fresh 256-bit token.</summary>
    public static OperatorCredential Create(string server) =>
        new(server, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    /// <summary>The token's SHA-256, which proxies are given instead of the token to check admin writes against.</summary>
    public byte[] TokenDigest => Digest(Token);

    public static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token ?? ""));

    /// <summary>Reads a credential file; null when it does not exist, an error when it is not one.</summary>
    public static OperatorCredential? Read(string path)
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
            var server = root.TryGetProperty("server", out var s) ? s.GetString() : null;
            var token = root.TryGetProperty("token", out var t) ? t.GetString() : null;
            return string.IsNullOrEmpty(token)
                ? throw new InvalidDataException($"{path} holds no token")
                : new OperatorCredential(server ?? "", token);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a mesh credential file: {e.Message}", e);
        }
    }

    /// <summary>Writes the credential, readable by its owner only.</summary>
    public void Write(string path)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("server", Server);
            json.WriteString("token", Token);
            json.WriteEndObject();
        }

        SecretFiles.Write(path, Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
    }

    /// <summary>Reads the credential at <paramref name="path"/>, or makes and writes one for <paramref name="server"/>.</summary>
    public static OperatorCredential LoadOrCreate(string path, string server)
    {
        if (Read(path) is { } existing)
        {
            return existing;
        }

        var created = Create(server);
        created.Write(path);
        return created;
    }

    /// <summary>
    /// What the console's login link carries: derived from the token, it can only be exchanged for a browser session
    /// (a cookie no other site can send), so the token itself never appears in a link.
    /// </summary>
    public string ConsoleLoginKey =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Token), "mesh console login"u8)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether a presented token is this one (compared in constant time).</summary>
    public bool Matches(string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Digest(token), TokenDigest);
}
