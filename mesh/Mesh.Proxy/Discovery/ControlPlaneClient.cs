using System.Threading.Channels;
using Grpc.Core;
using Mesh.Contracts.Discovery;
using Mesh.Proxy.Configuration;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Discovery;

/// <summary>
/// Keeps the proxy's stream to the control plane open: registers the workload, applies each pushed snapshot and
/// answers ACK or NACK, and reports the app's health. When the stream breaks it reconnects with exponential
/// backoff; meanwhile the proxy goes on routing with its last good config.
/// </summary>
public sealed partial class ControlPlaneClient(
    MeshDiscovery.MeshDiscoveryClient client,
    ProxyConfigState state,
    WorkloadHealthMonitor health,
    Identity.WorkloadIdentity identity,
    Admin.AdminWriters adminWriters,
    Admin.ProxyConfigDump configDump,
    IOptions<ProxyOptions> options,
    TimeProvider time,
    ILogger<ControlPlaneClient> logger) : BackgroundService
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>True while a stream to the control plane is open.</summary>
    public bool Connected { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunStreamAsync(stoppingToken);
                backoff = MinBackoff;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException)
            {
                LogDisconnected(logger, options.Value.ControlPlane, e.Message, backoff.TotalMilliseconds);
            }
            finally
            {
                Connected = false;
            }

            await Task.Delay(Jitter(backoff), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    private async Task RunStreamAsync(CancellationToken cancellationToken)
    {
        using var streamCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The proxy proves who it is with its service-account token, read anew for every stream (the kubelet rotates it).
        var headers = new Metadata();
        if (options.Value.HasServiceAccountToken)
        {
            headers.Add("authorization", $"Bearer {options.Value.ReadServiceAccountToken()}");
        }

        using var call = client.Connect(headers, cancellationToken: streamCancellation.Token);
        var outgoing = Channel.CreateBounded<ProxyMessage>(new BoundedChannelOptions(64) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
        var writer = WriteAllAsync(call.RequestStream, outgoing.Reader, streamCancellation.Token);

        await outgoing.Writer.WriteAsync(new ProxyMessage { Hello = Hello() }, cancellationToken);
        using var healthSubscription = health.Subscribe(h => outgoing.Writer.TryWrite(new ProxyMessage { Health = h }));
        Connected = true;
        LogConnected(logger, options.Value.ControlPlane);
        var rotation = identity.Enabled ? RotateCertificatesAsync(outgoing.Writer, streamCancellation.Token) : Task.CompletedTask;

        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (message.Snapshot is { } snapshot)
                {
                    var error = state.Apply(snapshot);
                    if (error is null)
                    {
                        LogApplied(logger, snapshot.Version, snapshot.Documents.Count, snapshot.Workloads.Count);
                    }
                    else
                    {
                        LogRejected(logger, snapshot.Version, state.Version, error);
                    }

                    var response = new PushResponse { Version = snapshot.Version, Nonce = snapshot.Nonce, Ack = error is null, ErrorDetail = error ?? "" };
                    if (error is null)
                    {
                        response.RejectedResources.AddRange(state.Rejected);
                    }

                    await outgoing.Writer.WriteAsync(new ProxyMessage { Response = response }, cancellationToken);
                }
                else if (message.Certificate is { } certificate && identity.Complete(certificate) is { } certificateError)
                {
                    LogCertificateRefused(logger, certificateError);
                }
                else if (message.ConfigDumpRequest is { } dumpRequest)
                {
                    await outgoing.Writer.WriteAsync(new ProxyMessage { ConfigDump = new ConfigDumpResponse { RequestId = dumpRequest.RequestId, Json = configDump.Json() } }, cancellationToken);
                }
                else if (message.AdminAccess is { } access)
                {
                    adminWriters.Update(access.WriterTokenSha256.Select(d => d.ToByteArray()));
                }
                else if (message.TrustBundle is { } trust)
                {
                    identity.UpdateTrust(trust.TrustBundlePem);
                    if (trust.Reissue)
                    {
                        await outgoing.Writer.WriteAsync(new ProxyMessage { Csr = identity.CreateRequest() }, cancellationToken);
                    }
                }
            }
        }
        finally
        {
            outgoing.Writer.TryComplete();
            await streamCancellation.CancelAsync();
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await rotation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Asks the CA for a certificate now (none yet) and again each time the current one is half through its life.</summary>
    private async Task RotateCertificatesAsync(ChannelWriter<ProxyMessage> outgoing, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = identity.RotationDue() - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
                continue;
            }

            await outgoing.WriteAsync(new ProxyMessage { Csr = identity.CreateRequest() }, cancellationToken);

            // Give the CA a moment to answer before asking again.
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        }
    }

    private ProxyHello Hello()
    {
        var workload = state.Identity.Workload with { Healthy = health.Current.Healthy };
        return new ProxyHello
        {
            ProxyId = string.IsNullOrEmpty(options.Value.ProxyId) ? $"{workload.Name}.{workload.Namespace}" : options.Value.ProxyId,
            Kind = options.Value.Mode == ProxyMode.Gateway ? ProxyKind.Gateway : ProxyKind.Sidecar,
            Workload = workload.ToWire(),
            BuildVersion = typeof(ControlPlaneClient).Assembly.GetName().Version?.ToString() ?? "",
            LastAppliedVersion = state.Version,
            AdminAddress = string.IsNullOrEmpty(options.Value.StatsListen) ? options.Value.Admin : options.Value.StatsListen,
        };
    }

    private static async Task WriteAllAsync(IClientStreamWriter<ProxyMessage> stream, ChannelReader<ProxyMessage> reader, CancellationToken cancellationToken)
    {
        await foreach (var message in reader.ReadAllAsync(cancellationToken))
        {
            await stream.WriteAsync(message, cancellationToken);
        }
    }

    private static TimeSpan Jitter(TimeSpan backoff) => backoff * (0.5 + (Random.Shared.NextDouble() / 2));

    [LoggerMessage(Level = LogLevel.Error, Message = "The CA refused or sent an unusable certificate: {Error}")]
    private static partial void LogCertificateRefused(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to control plane {Address}")]
    private static partial void LogConnected(ILogger logger, Uri address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control plane {Address} unreachable or stream closed ({Reason}); keeping last config, retrying in about {BackoffMs} ms")]
    private static partial void LogDisconnected(ILogger logger, Uri address, string reason, double backoffMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied config {Version} ({Documents} documents, {Workloads} workloads); ACK")]
    private static partial void LogApplied(ILogger logger, string version, int documents, int workloads);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rejected config {Version}, keeping {Kept}; NACK: {Error}")]
    private static partial void LogRejected(ILogger logger, string version, string kept, string error);
}
