using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Config.Model.Networking;
using Mesh.Config.Registry;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Configuration;
using Mesh.Proxy.Routing;
using Mesh.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Tls;

/// <summary>
/// TLS at the ingress gateway, from the Gateway's <c>servers[].tls</c>: SIMPLE serves the server's certificate (chosen
/// by SNI among the servers of the port), MUTUAL also requires a client certificate that chains to
/// <c>caCertificates</c> and is in date. Certificates come from files, or for <c>credentialName</c> from
/// <c>&lt;credentials directory&gt;/&lt;name&gt;/tls.crt|tls.key|ca.crt</c> (a Kubernetes TLS secret's layout).
/// </summary>
public sealed partial class GatewayTls(RouteTableProvider routes, IOptions<ProxyOptions> options, TimeProvider time, ILogger<GatewayTls> logger)
{
    private readonly ConcurrentDictionary<string, (DateTime Written, object Value)> _files = new(StringComparer.Ordinal);

    public TlsHandshakeCallbackOptions HandshakeOptions(int port) => new()
    {
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        OnConnection = context => ValueTask.FromResult(ServerOptionsOrRefusal(port, context.ClientHelloInfo.ServerName)),
    };

    /// <summary>
    /// A client asking for a host no server of the port serves (or one whose certificate cannot be read) is refused at the
    /// handshake, as Envoy refuses a connection no filter chain matches: an ordinary event, not an error with a stack trace
    /// (Kestrel logs a failed authentication at Debug).
    /// </summary>
    private SslServerAuthenticationOptions ServerOptionsOrRefusal(int port, string? sni)
    {
        try
        {
            return ServerOptions(port, sni);
        }
        catch (InvalidOperationException e)
        {
            LogNoServer(logger, port, sni ?? "-", e.Message);
            throw new System.Security.Authentication.AuthenticationException(e.Message, e);
        }
        catch (CertificateFileException e)
        {
            LogNoServer(logger, port, sni ?? "-", e.Message);
            throw new System.Security.Authentication.AuthenticationException(e.Message, e);
        }
    }

    /// <summary>Checks that every certificate file the gateway servers of a table name can be loaded; the servers that cannot, and why.</summary>
    public IReadOnlyList<(GatewayServer Server, string Error)> Validate(RouteTable table)
    {
        var errors = new List<(GatewayServer, string)>();
        foreach (var server in table.Listeners.Values.Where(l => l.Kind == ListenerKind.Gateway).SelectMany(l => l.Servers))
        {
            if (server.Tls is not { Mode: ServerTlsMode.Simple or ServerTlsMode.Mutual } tls)
            {
                continue;
            }

            try
            {
                _ = Certificate(tls);
                if (tls.Mode == ServerTlsMode.Mutual)
                {
                    _ = ClientRoots(tls);
                }
            }
            catch (CertificateFileException e)
            {
                errors.Add((server, $"gateway server TLS: {e.Message}"));
            }
        }

        return errors;
    }

    private SslServerAuthenticationOptions ServerOptions(int port, string? sni)
    {
        var server = SelectServer(port, sni)
            ?? throw new InvalidOperationException($"no Gateway server with TLS on port {port} for SNI '{sni}'");
        var tls = server.Tls!;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = Certificate(tls),
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        };
        if (tls.Mode == ServerTlsMode.Mutual)
        {
            var roots = ClientRoots(tls);
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) => ValidateClient(certificate as X509Certificate2, roots, sni);
        }

        return options;
    }

    /// <summary>The server whose hosts match the SNI most specifically; without SNI, the first TLS server of the port.</summary>
    private GatewayServer? SelectServer(int port, string? sni)
    {
        var servers = routes.Current.Listener(RouteTable.GatewayKey(port))?.Servers.Where(s => s.Tls is { Mode: ServerTlsMode.Simple or ServerTlsMode.Mutual }).ToArray() ?? [];
        if (string.IsNullOrEmpty(sni))
        {
            return servers.FirstOrDefault();
        }

        return servers
            .SelectMany(s => s.Hosts.Select(h => (Server: s, Host: h.Contains('/') ? h[(h.IndexOf('/') + 1)..] : h)))
            .Where(x => Hostnames.Matches(x.Host, sni))
            .OrderByDescending(x => x.Host == sni)
            .ThenByDescending(x => x.Host.Length)
            .Select(x => x.Server)
            .FirstOrDefault();
    }

    private bool ValidateClient(X509Certificate2? certificate, X509Certificate2Collection roots, string? sni)
    {
        if (certificate is null)
        {
            LogClientRefused(logger, sni ?? "-", "no client certificate");
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        var valid = chain.Build(certificate);
        if (!valid)
        {
            LogClientRefused(logger, sni ?? "-", string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
        }

        return valid;
    }

    private X509Certificate2 Certificate(ServerTlsSettings tls)
    {
        var (certificate, key) = tls.CredentialName is { } name
            ? (Credential(name, "tls.crt"), Credential(name, "tls.key"))
            : (Resolve(tls.ServerCertificate, "serverCertificate"), Resolve(tls.PrivateKey, "privateKey"));
        return Cached(certificate + "|" + key, certificate, () => PemFiles.LoadCertificateWithKey(certificate, key));
    }

    private X509Certificate2Collection ClientRoots(ServerTlsSettings tls)
    {
        var file = tls.CredentialName is { } name ? Credential(name, "ca.crt") : Resolve(tls.CaCertificates, "caCertificates");
        return Cached(file, file, () => PemFiles.LoadCertificates(file));
    }

    private T Cached<T>(string key, string file, Func<T> load) where T : class
    {
        var written = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;
        if (_files.TryGetValue(key, out var cached) && cached.Written == written && cached.Value is T value)
        {
            return value;
        }

        var loaded = load();
        _files[key] = (written, loaded);
        return loaded;
    }

    /// <summary>A credential's file, looked up inside the credentials folder only: the name is a secret's name, never a path.</summary>
    private string Credential(string name, string file)
    {
        var folder = Path.GetFullPath(CredentialsDirectory);
        var path = Path.GetFullPath(Path.Combine(folder, name, file));
        if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or ".." || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new CertificateFileException(name, $"credentialName '{name}' is not a secret's name in the credentials folder");
        }

        return path;
    }

    private string Resolve(string? file, string field) => file is null
        ? throw new CertificateFileException("(none)", $"tls.{field} is required for mode SIMPLE and MUTUAL")
        : Path.IsPathRooted(file) ? file : Path.Combine(CredentialsDirectory, file);

    private string CredentialsDirectory => options.Value.CredentialsDirectory ?? Directory.GetCurrentDirectory();

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS connection on port {Port} for SNI {Sni} refused: {Reason}")]
    private static partial void LogNoServer(ILogger logger, int port, string sni, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway refused a client certificate for {Sni}: {Reason}")]
    private static partial void LogClientRefused(ILogger logger, string sni, string reason);
}
