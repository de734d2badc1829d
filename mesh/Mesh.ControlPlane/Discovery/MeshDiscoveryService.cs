using Grpc.Core;
using Mesh.ControlPlane.Registry;
using Mesh.ControlPlane.Telemetry;
using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// The proxies' stream: the first message registers the proxy and its workload; then snapshots flow down and
/// ACKs, NACKs and health reports flow up until the proxy goes away, which unregisters its workload.
/// </summary>
public sealed partial class MeshDiscoveryService(
    WorkloadRegistry registry,
    ProxyConnections connections,
    ControlPlaneMetrics metrics,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    Security.CertificateService certificates,
    ILogger<MeshDiscoveryService> logger) : MeshDiscovery.MeshDiscoveryBase
{
    public override async Task Connect(IAsyncStreamReader<ProxyMessage> requestStream, IServerStreamWriter<ControlPlaneMessage> responseStream, ServerCallContext context)
    {
        // Streams end when the control plane stops, so shutdown does not wait for proxies to hang up; they reconnect.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellation = stopping.Token;
        if (!await requestStream.MoveNext(cancellation) || requestStream.Current.Hello is not { } hello || string.IsNullOrEmpty(hello.ProxyId) || hello.Workload is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must be a ProxyHello with a proxy_id and a workload"));
        }

        var connection = new ProxyConnection(hello.ProxyId, hello.Kind, hello.Workload.ToModel(), hello.AdminAddress, time.GetUtcNow());
        registry.Register(hello.ProxyId, connection.Id, connection.Workload);
        connections.Add(connection);
        metrics.ProxyConnected(hello.Kind);
        LogConnected(logger, hello.ProxyId, hello.Kind.ToString(), context.Peer);
        try
        {
            var sender = SendAsync(connection, responseStream, cancellation);
            var receiver = ReceiveAsync(connection, requestStream, cancellation);
            await Task.WhenAny(sender, receiver);
        }
        finally
        {
            connections.Remove(connection);
            registry.Unregister(hello.ProxyId, connection.Id);
            metrics.ProxyDisconnected(hello.Kind);
            LogDisconnected(logger, hello.ProxyId);
        }
    }

    /// <summary>The one writer of the stream: control messages (certificates) first, then the latest snapshot.</summary>
    private async Task SendAsync(ProxyConnection connection, IServerStreamWriter<ControlPlaneMessage> stream, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                while (connection.Control.TryRead(out var control))
                {
                    await stream.WriteAsync(control, cancellationToken);
                }

                if (connection.Pending.TryRead(out var snapshot))
                {
                    connection.Sent = snapshot;
                    connection.SentNonce = snapshot.Wire.Nonce;
                    await stream.WriteAsync(new ControlPlaneMessage { Snapshot = snapshot.Wire }, cancellationToken);
                    continue;
                }

                var more = await Task.WhenAny(connection.Control.WaitToReadAsync(cancellationToken).AsTask(), connection.Pending.WaitToReadAsync(cancellationToken).AsTask());
                if (!await more)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The proxy went away; the receive side ends the call.
        }
    }

    private async Task ReceiveAsync(ProxyConnection connection, IAsyncStreamReader<ProxyMessage> stream, CancellationToken cancellationToken)
    {
        try
        {
            while (await stream.MoveNext(cancellationToken))
            {
                var message = stream.Current;
                if (message.Response is { } response)
                {
                    OnResponse(connection, response);
                }
                else if (message.Health is { } health)
                {
                    registry.SetHealth(connection.ProxyId, connection.Id, health.Healthy, health.Detail);
                }
                else if (message.Csr is { } csr)
                {
                    connection.Send(new ControlPlaneMessage { Certificate = await certificates.SignAsync(connection, csr, cancellationToken) });
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
        {
        }
    }

    private void OnResponse(ProxyConnection connection, PushResponse response)
    {
        if (response.Ack)
        {
            connection.AckedVersion = response.Version;
            connection.AckedAt = time.GetUtcNow();
            if (connection.Sent is { } sent && sent.Version == response.Version)
            {
                metrics.Converged(time.GetUtcNow() - sent.CreatedAt);
            }
        }
        else
        {
            connection.NackedVersion = response.Version;
            connection.NackError = response.ErrorDetail;
            metrics.Nacked();
            LogNack(logger, connection.ProxyId, response.Version, response.ErrorDetail);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy {ProxyId} ({Kind}) connected from {Peer}")]
    private static partial void LogConnected(ILogger logger, string proxyId, string kind, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy {ProxyId} disconnected")]
    private static partial void LogDisconnected(ILogger logger, string proxyId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Proxy {ProxyId} NACKed version {Version}: {Error}")]
    private static partial void LogNack(ILogger logger, string proxyId, string version, string error);
}
