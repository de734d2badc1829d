using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mesh.DataPlane.Clusters;
using Mesh.Security;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The client side's check of who answered, as Envoy's <c>match_subject_alt_names</c> does for Istio: a mesh
/// certificate is not enough, it must carry one of the identities expected for the destination. Those are the
/// DestinationRule's <c>tls.subjectAltNames</c> when it sets them, otherwise the SPIFFE id of the chosen endpoint's
/// service account. A workload with a valid certificate of another identity cannot serve a service it is not.
/// </summary>
public static class ServerIdentity
{
    /// <summary>Where a request carries the identities its upstream connection must prove.</summary>
    public static readonly HttpRequestOptionsKey<IReadOnlyList<string>> Expected = new("mesh.expected-server-identities");

    /// <summary>The identities a server at <paramref name="endpoint"/> of <paramref name="cluster"/> may present.</summary>
    public static IReadOnlyList<string> For(ClusterConfig cluster, ClusterEndpoint endpoint, string trustDomain)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(endpoint);
        return cluster.Policy?.Tls?.SubjectAltNames is { Count: > 0 } names
            ? names
            : [new SpiffeId(trustDomain, endpoint.Workload.Namespace, endpoint.Workload.ServiceAccount).ToString()];
    }

    /// <summary>Whether a certificate carries one of the expected identities (a URI SAN, or a DNS SAN for a DNS name).</summary>
    public static bool Matches(X509Certificate2 certificate, IReadOnlyList<string> expected, out string presented)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(expected);
        var names = SubjectAlternativeNames.Uris(certificate).Concat(SubjectAlternativeNames.DnsNames(certificate)).ToArray();
        presented = names.Length == 0 ? "no subject alternative name" : string.Join(", ", names);
        return names.Any(n => expected.Contains(n, StringComparer.Ordinal));
    }

    /// <summary>
    /// A connection filter for the forwarder's client: it runs once per new upstream connection, after the TLS
    /// handshake, and fails the connection (a connect failure, Envoy's UF) when the server is not who the request expects.
    /// </summary>
    public static ValueTask<Stream> CheckAsync(System.Net.Http.SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PlaintextStream is SslStream tls && context.InitialRequestMessage.Options.TryGetValue(Expected, out var expected))
        {
            if (tls.RemoteCertificate is not { } remote)
            {
                throw new AuthenticationException("the upstream presented no certificate");
            }

            using var certificate = new X509Certificate2(remote);
            if (!Matches(certificate, expected, out var presented))
            {
                throw new AuthenticationException($"the upstream is {presented}, not {string.Join(" or ", expected)}");
            }
        }

        return ValueTask.FromResult(context.PlaintextStream);
    }
}
