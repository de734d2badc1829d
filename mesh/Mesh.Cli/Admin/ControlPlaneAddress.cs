namespace Mesh.Cli.Admin;

/// <summary>Where meshctl finds the control plane's admin API: <c>--control-plane</c>, else <c>MESH_CONTROL_PLANE</c>, else istiod's usual port.</summary>
public static class ControlPlaneAddress
{
    public const string EnvironmentVariable = "MESH_CONTROL_PLANE";

    public const string Default = "http://127.0.0.1:15014";

    /// <summary>The address when <c>--control-plane</c> is not given.</summary>
    public static string FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(EnvironmentVariable) is { Length: > 0 } configured ? configured : Default;
    }

    /// <summary>Reads an address; a bare <c>host:port</c> is taken as plain HTTP.</summary>
    public static Uri? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : $"http://{text}";
        return Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    }
}
