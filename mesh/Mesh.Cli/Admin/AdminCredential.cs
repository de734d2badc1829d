using Mesh.Security;

namespace Mesh.Cli.Admin;

/// <summary>
/// Which control plane meshctl talks to and with what credential, as kubectl reads its kubeconfig: <c>--token</c>,
/// else <c>--credentials &lt;file&gt;</c>, else <c>$MESH_TOKEN</c>, else <c>$MESH_CREDENTIALS</c>, else the credential file
/// the local mesh's context (<c>~/.mesh/config.json</c>, written by the app host) names. The address likewise:
/// <c>--control-plane</c>, <c>$MESH_CONTROL_PLANE</c>, the context's, or 127.0.0.1:15014.
/// </summary>
public sealed record AdminCredential(string Address, string? Token, string? Source)
{
    public const string TokenVariable = "MESH_TOKEN";
    public const string CredentialsVariable = "MESH_CREDENTIALS";

    /// <summary>How to get a credential, for a caller that has none or was refused.</summary>
    public static string HowToGetOne(string contextPath) =>
        $"pass --token <token> or --credentials <file> (or set ${TokenVariable} / ${CredentialsVariable}); a mesh started with " +
        $"`dotnet run --project AppHost` writes {contextPath}, which names its operator credential, and meshctl then needs no flag. " +
        "On Kubernetes, use a service-account token the control plane's Admin:Editors or Admin:Viewers list (kubectl create token <name>).";

    public static AdminCredential Resolve(string? address, string? token, string? credentialsFile, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var contextPath = MeshContext.DefaultPath(environment);
        var context = Try(() => MeshContext.Read(contextPath));
        var resolvedAddress = address ?? (environment(ControlPlaneAddress.EnvironmentVariable) is { Length: > 0 } configured ? configured : null)
            ?? (context?.ControlPlane is { Length: > 0 } fromContext ? fromContext : ControlPlaneAddress.Default);
        if (!string.IsNullOrEmpty(token))
        {
            return new AdminCredential(resolvedAddress, token, "--token");
        }

        if (!string.IsNullOrEmpty(credentialsFile))
        {
            return FromFile(resolvedAddress, credentialsFile, "--credentials");
        }

        if (environment(TokenVariable) is { Length: > 0 } fromEnvironment)
        {
            return new AdminCredential(resolvedAddress, fromEnvironment, $"${TokenVariable}");
        }

        if (environment(CredentialsVariable) is { Length: > 0 } file)
        {
            return FromFile(resolvedAddress, file, $"${CredentialsVariable}");
        }

        return context is { CredentialsFile.Length: > 0 } && File.Exists(context.CredentialsFile)
            ? FromFile(resolvedAddress, context.CredentialsFile, contextPath)
            : new AdminCredential(resolvedAddress, null, null);
    }

    private static AdminCredential FromFile(string address, string file, string source)
    {
        try
        {
            var credential = OperatorCredential.Read(file) ?? throw new ControlPlaneException($"{source}: no credential file at {file}");
            return new AdminCredential(address, credential.Token, file);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ControlPlaneException($"{source}: {e.Message}", e);
        }
    }

    private static T? Try<T>(Func<T?> read) where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
