using System.Net;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>Gateway: servers, their hosts and ports, and server TLS with credentials by name.</summary>
internal static partial class NetworkingReaders
{
    public static Gateway Gateway(YamlObject spec, ResourceMeta meta)
    {
        var gateway = new Gateway
        {
            Metadata = meta,
            Source = spec.Span,
            Selector = new WorkloadSelector(spec.StringMap("selector")),
            Servers = spec.List("servers", GatewayServer),
        };

        if (IsEmpty(spec, "servers"))
        {
            spec.Context.Report(FindingCodes.MissingField, spec.Span, "a Gateway must have at least one server");
        }

        // Istio: port names are unique across a Gateway's servers.
        foreach (var duplicate in gateway.Servers.Where(s => !string.IsNullOrEmpty(s.Port.Name)).GroupBy(s => s.Port.Name).Where(g => g.Count() > 1))
        {
            spec.Context.Report(FindingCodes.InvalidValue, duplicate.Skip(1).First().Port.Source,
                $"port names in a Gateway's servers must be unique: '{duplicate.Key}' is used {duplicate.Count()} times");
        }

        return spec.Finish(gateway)!;
    }

    private static GatewayServer? GatewayServer(YamlObject o)
    {
        if (o.Object("port", ServicePort) is not { } port)
        {
            return Missing<GatewayServer>(o, "port");
        }

        var server = ReadGatewayServer(o, port);
        if (IsEmpty(o, "hosts"))
        {
            o.Report(FindingCodes.MissingField, "hosts", $"{o.Path}: a server must have at least one host");
        }

        if (string.IsNullOrEmpty(port.Name))
        {
            o.Context.Report(FindingCodes.MissingField, port.Source, $"{o.Path}.port.name must be set");
        }

        // Istio's validateServer: HTTPS and TLS need TLS settings; a plain HTTP port may carry only a redirect or
        // passthrough, and other protocols none.
        var protocol = port.Protocol?.ToUpperInvariant();
        var isTls = protocol is "HTTPS" or "TLS";
        var isHttp = protocol is "HTTP" or "HTTP2" or "GRPC" or "GRPC-WEB" or "HTTP_PROXY";
        if (isTls && server.Tls is null && !o.Has("tls"))
        {
            o.Report(FindingCodes.MissingField, "port", $"{o.Path}: a server must have TLS settings for the {port.Protocol} protocol");
        }
        else if (!isTls && protocol is not null && server.Tls is { } tls)
        {
            var passthrough = tls.Mode is null or ServerTlsMode.Passthrough or ServerTlsMode.AutoPassthrough &&
                tls.CaCertificates is null && tls.PrivateKey is null && tls.ServerCertificate is null;
            if (!isHttp || !passthrough)
            {
                o.Report(FindingCodes.InvalidValue, "tls", isHttp
                    ? $"{o.Path}: a plain-text HTTP server cannot have TLS settings (only httpsRedirect)"
                    : $"{o.Path}: a server cannot have TLS settings for a port that is not HTTPS or TLS");
            }
        }

        return o.Finish(server);
    }

    private static GatewayServer ReadGatewayServer(YamlObject o, ServicePort port) => new GatewayServer
    {
        Source = o.Span,
        Port = port,
        Hosts = o.Strings("hosts", h => IstioRules.NamespaceSlashHost(h, gateway: true)),
        Tls = o.Object("tls", t => t.Finish(new ServerTlsSettings
        {
            Source = t.Span,
            HttpsRedirect = t.Bool("httpsRedirect") ?? false,
            Mode = t.Enum<ServerTlsMode>("mode"),
            ServerCertificate = t.String("serverCertificate"),
            PrivateKey = t.String("privateKey"),
            CaCertificates = t.String("caCertificates"),
            CredentialName = CredentialName(t),
            SubjectAltNames = t.Strings("subjectAltNames"),
            MinProtocolVersion = t.String("minProtocolVersion"),
            MaxProtocolVersion = t.String("maxProtocolVersion"),
        })),
        Name = o.String("name"),
    };

    /// <summary>
    /// A secret's name, looked up in the gateway's credentials folder: a name, never a path. Istio does not check the
    /// name's form (a secret that does not exist fails at the gateway, as here), so only what could leave the folder is
    /// refused: separators, a leading dot, control characters.
    /// </summary>
    private static string? CredentialName(YamlObject o)
    {
        var name = o.String("credentialName");
        if (name is not null && (name.Length > 253 || !SecretName().IsMatch(name)))
        {
            o.Report(FindingCodes.InvalidValue, "credentialName",
                $"{o.Path}.credentialName '{name}' must be a secret's name (no '/', '\\', leading '.' or control characters); it is looked up in the credentials folder and is never a path");
            return null;
        }

        return name;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[^./\\\\\\p{C}][^/\\\\\\p{C}]*$")]
    private static partial System.Text.RegularExpressions.Regex SecretName();
}
