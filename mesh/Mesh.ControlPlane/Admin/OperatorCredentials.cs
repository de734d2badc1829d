using System.Security.Cryptography;
using System.Text;
using Mesh.ControlPlane.Hosting;
using Mesh.Security;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Admin;

/// <summary>
/// The operator credential this control plane accepts on its admin API, loaded from (or created in) its 0600 file at
/// start, and the console's browser sessions derived from it: a login key that only exchanges for a session, and
/// session cookies signed with the credential, so rotating the credential ends every session.
/// </summary>
public sealed class OperatorCredentials
{
    public const string SessionCookie = "mesh-console";

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly TimeProvider _time;

    public OperatorCredentials(IOptions<ControlPlaneOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        var settings = options.Value;
        File = !string.IsNullOrEmpty(settings.OperatorCredentialsFile) ? settings.OperatorCredentialsFile
            : !string.IsNullOrEmpty(settings.StateDirectory) ? Path.Combine(settings.StateDirectory, "operator-credentials.json")
            : null;
        var server = $"http://{settings.HttpListen}";
        Credential = File is null ? OperatorCredential.Create(server) : OperatorCredential.LoadOrCreate(File, server);
    }

    /// <summary>Where the credential is kept (null: in memory only, for a control plane without a state folder).</summary>
    public string? File { get; }

    public OperatorCredential Credential { get; }

    public bool IsOperatorToken(string? token) => Credential.Matches(token);

    /// <summary>Whether a console login key is this credential's.</summary>
    public bool IsLoginKey(string? key) =>
        key is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(Credential.ConsoleLoginKey));

    /// <summary>A signed session value for the console's cookie.</summary>
    public string IssueSession()
    {
        var expires = (_time.GetUtcNow() + SessionLifetime).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{expires}.{Sign(expires)}";
    }

    public bool IsValidSession(string? session)
    {
        if (session?.Split('.') is not [var expires, var signature] ||
            !long.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture, out var unix) ||
            unix < _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(Sign(expires)));
    }

    private string Sign(string expires) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Credential.Token), Encoding.UTF8.GetBytes($"console-session:{expires}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
