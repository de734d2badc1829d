using Grpc.Core;
using Mesh.ControlPlane.Registry;
using Mesh.ControlPlane.Telemetry;
using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// The proxies' stream: the first message registers the proxy and its workload; then snapshots flow down and
/// ACKs, NACKs and health reports flow up until the proxy goes away, which unregisters its workload.
/// </summary>
[BindServiceMethod(typeof(DiscoveryBinding), nameof(DiscoveryBinding.BindService))]
public partial class MeshDiscoveryService(
    WorkloadRegistry registry,
    ProxyConnections connections,
    ControlPlaneMetrics metrics,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    Security.CertificateService certificates,
    ProxyAuthenticator authenticator,
    Admin.OperatorCredentials operatorCredentials,
    Microsoft.Extensions.Options.IOptions<Hosting.ControlPlaneOptions> options,
    ILogger<MeshDiscoveryService> logger)
{
    /// <summary>Virtual because gRPC's binder accepts only a handler that is a virtual method of the type the binding names.</summary>
    public virtual async Task Connect(IAsyncStreamReader<ProxyMessage> requestStream, IServerStreamWriter<ControlPlaneMessage> responseStream, ServerCallContext context)
    {
        // Streams end when the control plane stops, so shutdown does not wait for proxies to hang up; they reconnect.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellation = stopping.Token;
        if (!await requestStream.MoveNext(cancellation) || requestStream.Current.Hello is not { } hello || string.IsNullOrEmpty(hello.ProxyId) || hello.Workload is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must be a ProxyHello with a proxy_id and a workload"));
        }

        var identity = await authenticator.AuthenticateAsync(context, hello, cancellation);
        var connection = new ProxyConnection(hello.ProxyId, hello.Kind, hello.Workload.ToModel(), hello.AdminAddress, time.GetUtcNow()) { Authenticated = identity };
        if (!registry.Register(hello.ProxyId, connection.Id, connection.Workload))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"proxy id {hello.ProxyId} is registered to a workload of another identity"));
        }

        // Who may write to this proxy's admin listener: the operator credential, by its digest.
        connection.Send(new ControlPlaneMessage { AdminAccess = new AdminAccess { WriterTokenSha256 = { Google.Protobuf.ByteString.CopyFrom(operatorCredentials.Credential.TokenDigest) } } });
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
                    var scope = snapshot.ScopeOf(connection.Workload);
                    var message = snapshot.MessageFor(connection.DeltaBase, connection.DeltaScope, scope);
                    connection.UpToDate = snapshot.Version;
                    if (message is null)
                    {
                        // Nothing this proxy's Sidecar lets it see changed: it stays on the version it has.
                        continue;
                    }

                    connection.SentDelta = !message.Snapshot.Full;
                    connection.Sent = connection.DeltaBase = snapshot;
                    connection.DeltaScope = scope;
                    if (!await WriteSnapshotAsync(connection, stream, message, cancellationToken))
                    {
                        return;
                    }

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

    /// <summary>
    /// Writes one push within the push timeout; a full snapshot first waits for a slot, so a reconnect storm holds a
    /// bounded number of whole-mesh copies in flight. False when the proxy was too slow and its stream should end.
    /// </summary>
    private async Task<bool> WriteSnapshotAsync(ProxyConnection connection, IServerStreamWriter<ControlPlaneMessage> stream, ControlPlaneMessage message, CancellationToken cancellationToken)
    {
        var gate = message.Snapshot.Full ? connections.FullPushes : null;
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PushTimeout);
        try
        {
            await stream.WriteAsync(message, timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogSlowProxy(logger, connection.ProxyId, message.Snapshot.Version, options.Value.PushTimeout.TotalSeconds);
            return false;
        }
        finally
        {
            gate?.Release();
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
                else if (message.ConfigDump is { } dump)
                {
                    connection.DumpReceived(dump);
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
            connection.RejectedResources = [.. response.RejectedResources];
            foreach (var rejected in response.RejectedResources)
            {
                LogPartial(logger, connection.ProxyId, response.Version, rejected);
            }

            if (connection.Sent is { } sent && sent.Version == response.Version)
            {
                metrics.Converged(time.GetUtcNow() - sent.CreatedAt);
            }
        }
        else
        {
            // The proxy kept an older version, so no delta applies on top of what it has: the next push is full, and a
            // refused delta is sent again in full at once (it may have failed only for its base).
            connection.DeltaBase = null;
            connection.DeltaScope = null;
            if (connection.Sent is { } refused && refused.Version == response.Version && connection.SentDelta)
            {
                connection.Resend(refused);
            }

            connection.NackedVersion = response.Version;
            connection.NackError = response.ErrorDetail;
            metrics.Nacked();
            LogNack(logger, connection.ProxyId, response.Version, response.ErrorDetail);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy {ProxyId} ({Kind}) connected from {Peer}")]
    private static partial void LogConnected(ILogger logger, string proxyId, string kind, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy {ProxyId} took longer than {TimeoutSeconds} s to take version {Version}; closing its stream")]
    private static partial void LogSlowProxy(ILogger logger, string proxyId, string version, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy {ProxyId} disconnected")]
    private static partial void LogDisconnected(ILogger logger, string proxyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy {ProxyId} applied version {Version} without a resource it could not use: {Rejected}")]
    private static partial void LogPartial(ILogger logger, string proxyId, string version, string rejected);

    [LoggerMessage(Level = LogLevel.Error, Message = "Proxy {ProxyId} NACKed version {Version}: {Error}")]
    private static partial void LogNack(ILogger logger, string proxyId, string version, string error);
}
