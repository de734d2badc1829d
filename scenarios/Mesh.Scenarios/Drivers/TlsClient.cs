using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Scenarios.Drivers;

/// <summary>HTTPS to a loopback port with a chosen SNI name, trusting a chosen CA and presenting a chosen client certificate.</summary>
public static class TlsClient
{
    /// <summary>Sends a GET; returns the status, or null when the TLS handshake or connection was refused.</summary>
    public static async Task<(int? Status, string Body, string? Error)> GetAsync(IPEndPoint endpoint, string host, string path,
        X509Certificate2? trust, X509Certificate2? clientCertificate = null)
    {
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endpoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust is null || Chains(certificate as X509Certificate2, trust),
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var response = await client.GetAsync(new Uri($"https://{host}:{endpoint.Port}{path}"));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), null);
        }
        catch (HttpRequestException e)
        {
            return (null, "", e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>A plaintext GET straight to a port; the status, or null when the connection was refused or reset.</summary>
    public static async Task<(int? Status, string? Error)> PlaintextGetAsync(IPEndPoint endpoint, string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://{endpoint}{path}"));
            return ((int)response.StatusCode, null);
        }
        catch (HttpRequestException e)
        {
            return (null, e.InnerException?.Message ?? e.Message);
        }
    }

    private static bool Chains(X509Certificate2? certificate, X509Certificate2 trust)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
