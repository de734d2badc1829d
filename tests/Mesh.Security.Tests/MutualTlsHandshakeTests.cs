using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Security.Tests;

/// <summary>Real TLS handshakes over loopback with the CA's certificates: mutual TLS works, and a foreign CA is refused.</summary>
public sealed class MutualTlsHandshakeTests : IDisposable
{
    private static readonly SpiffeId Server = new("cluster.local", "default", "bookinfo-ratings");
    private static readonly SpiffeId Client = new("cluster.local", "default", "bookinfo-reviews");

    private readonly CertificateAuthority _ca = CertificateAuthority.LoadOrCreate(new CertificateAuthorityOptions(), TimeProvider.System);
    private readonly CertificateAuthority _foreign = CertificateAuthority.LoadOrCreate(new CertificateAuthorityOptions(), TimeProvider.System);

    [Fact]
    public async Task Handshake_BothSidesFromTheMeshCa_AuthenticatesBothIdentities()
    {
        using var serverCert = Issue(_ca, Server);
        using var clientCert = Issue(_ca, Client);

        var (serverSaw, clientSaw) = await HandshakeAsync(serverCert, clientCert);

        Assert.Equal(Client, serverSaw);
        Assert.Equal(Server, clientSaw);
    }

    [Fact]
    public async Task Handshake_ClientFromAnotherCa_IsRefused()
    {
        using var serverCert = Issue(_ca, Server);
        using var clientCert = Issue(_foreign, Client);

        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(serverCert, clientCert));
    }

    private static X509Certificate2 Issue(CertificateAuthority ca, SpiffeId id)
    {
        var (key, csr) = WorkloadCertificates.CreateSigningRequest(id);
        return WorkloadCertificates.WithPrivateKey(ca.Sign(csr, id).CertificateChainPem, key);
    }

    private async Task<(SpiffeId? Server, SpiffeId? Client)> HandshakeAsync(X509Certificate2 serverCert, X509Certificate2 clientCert)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        using var serverStream = new SslStream(accepted.GetStream());
        using var clientStream = new SslStream(client.GetStream());
        SpiffeId? seenByServer = null, seenByClient = null;
        var trust = _ca.TrustBundle;

        var server = serverStream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = serverCert,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
                trust.TryValidate((X509Certificate2)cert!, null, "cluster.local", DateTimeOffset.UtcNow, out var id, out _) && (seenByServer = id) is not null,
        });
        var clientSide = clientStream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "ratings",
            ClientCertificates = [clientCert],
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
                trust.TryValidate((X509Certificate2)cert!, null, "cluster.local", DateTimeOffset.UtcNow, out var id, out _) && (seenByClient = id) is not null,
        });
        await Task.WhenAll(server, clientSide).WaitAsync(TimeSpan.FromSeconds(30));
        return (seenByServer, seenByClient);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _foreign.Dispose();
    }
}
