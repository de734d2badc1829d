using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.LoadBalancing;

namespace Mesh.DataPlane.Resilience;

/// <summary>What one attempt came to, as the transport saw it.</summary>
/// <param name="Outcome">The upstream's answer or the failure.</param>
/// <param name="Delivered">The answer already went to the caller (nothing can be retried any more).</param>
/// <param name="RetryReserved">The transport held back a retriable answer and reserved a retry through <see cref="AttemptLoop.TryReserveRetry"/>.</param>
public readonly record struct AttemptResult(AttemptOutcome Outcome, bool Delivered = false, bool RetryReserved = false);

/// <summary>
/// Sends attempts for an <see cref="AttemptLoop"/>: the proxy with YARP's forwarder over real connections, the
/// simulator to simulated replicas in virtual time. Everything else about an attempt is the loop's.
/// </summary>
public interface IAttemptTransport
{
    /// <summary>The request body can be sent again (the proxy buffers bodies up to a limit).</summary>
    bool BodyReplayable { get; }

    /// <summary>Part of a response already went to the caller.</summary>
    bool ResponseStarted { get; }

    /// <summary>An endpoint was chosen for the next attempt.</summary>
    void OnEndpoint(EndpointState endpoint);

    /// <summary>Sends one attempt. <paramref name="cancellationToken"/> ends at the per-try timeout, the route's, or the caller's.</summary>
    ValueTask<AttemptResult> SendAsync(EndpointState endpoint, CancellationToken cancellationToken);

    /// <summary>Clears what the last attempt left before the next; false when the request cannot be sent again.</summary>
    bool PrepareRetry();
}

/// <summary>How the attempts ended.</summary>
public enum AttemptsEnd
{
    /// <summary>An upstream answered (a retriable answer when no retry was left).</summary>
    Answered,

    /// <summary>The last attempt failed without an answer (connect failure, reset, per-try timeout): see <see cref="AttemptLoop.Outcome"/>.</summary>
    Failed,

    /// <summary>No endpoint was available (all ejected or none): 503 UH.</summary>
    NoHealthyUpstream,

    /// <summary>The circuit breaker's pool and queue were full: 503 UO.</summary>
    Overflow,

    /// <summary>A retry was due but the request could not be sent again: 503 UC with URX.</summary>
    NotReplayable,
}

/// <summary>
/// Envoy's router for one request to one cluster, without I/O: pick an endpoint the outlier detector has not
/// ejected (avoiding ones already tried), take a slot from the circuit breaker (waiting in its queue when there is
/// room), send under the per-try timeout, report the outcome to outlier detection, and retry within the route's
/// policy, the retry budget and the breaker's retry limit, with jittered backoff. The proxy and the simulator both
/// run this one implementation; only <see cref="IAttemptTransport"/> differs, and time comes from the TimeProvider.
/// </summary>
public sealed class AttemptLoop(RetryPolicy policy, ClusterState cluster, IRandomSource random, TimeProvider time, string? hashKey = null)
{
    public int Attempts { get; private set; }

    /// <summary>Flags the loop set (URX when retries ran out; UH, UO; UT when the last attempt timed out).</summary>
    public ResponseFlags Flags { get; private set; }

    public EndpointState? Endpoint { get; private set; }

    public AttemptOutcome? Outcome { get; private set; }

    public int Retries { get; private set; }

    /// <summary>Takes a retry from the policy, the retry budget and the circuit breaker's retry limit, or marks URX.</summary>
    public bool TryReserveRetry(AttemptOutcome outcome, bool bodyReplayable)
    {
        if (!policy.IsRetriable(outcome))
        {
            return false;
        }

        if (Attempts > policy.Retries || !bodyReplayable || !cluster.RetryBudget.TryRetry() || !cluster.ConnectionPool.TryStartRetry())
        {
            Flags |= ResponseFlags.UpstreamRetryLimitExceeded;
            return false;
        }

        return true;
    }

    public async ValueTask<AttemptsEnd> RunAsync(IAttemptTransport transport, CancellationToken cancellation)
    {
        cluster.RetryBudget.RecordRequest();
        var tried = new List<EndpointState>();
        var isRetry = false;
        try
        {
            while (true)
            {
                var endpoint = cluster.Pick(new LoadBalancingContext(random, hashKey), policy.AvoidPreviousHosts ? tried : null);
                if (endpoint is null)
                {
                    Flags |= ResponseFlags.NoHealthyUpstream;
                    return AttemptsEnd.NoHealthyUpstream;
                }

                tried.Add(endpoint);
                Endpoint = endpoint;
                transport.OnEndpoint(endpoint);
                using var lease = await cluster.ConnectionPool.AcquireAsync(cancellation);
                if (lease is null)
                {
                    Flags |= ResponseFlags.UpstreamOverflow;
                    return AttemptsEnd.Overflow;
                }

                var result = await SendOnceAsync(transport, endpoint, cancellation);
                ReleaseRetry(ref isRetry);
                cluster.Report(endpoint, result.Outcome);
                Outcome = result.Outcome;
                if (!result.RetryReserved)
                {
                    if (result.Delivered)
                    {
                        return AttemptsEnd.Answered;
                    }

                    if (transport.ResponseStarted || cancellation.IsCancellationRequested || !TryReserveRetry(result.Outcome, transport.BodyReplayable))
                    {
                        cancellation.ThrowIfCancellationRequested();
                        if (result.Outcome.Failure == UpstreamFailure.Timeout)
                        {
                            Flags |= ResponseFlags.UpstreamRequestTimeout;
                        }

                        return result.Outcome.Failure == UpstreamFailure.None ? AttemptsEnd.Answered : AttemptsEnd.Failed;
                    }
                }

                // A retry was reserved (budget and breaker taken): clear the attempt and go again after the backoff.
                isRetry = true;
                Retries++;
                cluster.RecordRetry();
                if (!transport.PrepareRetry())
                {
                    Flags |= ResponseFlags.UpstreamRetryLimitExceeded;
                    return AttemptsEnd.NotReplayable;
                }

                await Task.Delay(policy.Backoff(Attempts, random), time, cancellation);
            }
        }
        finally
        {
            ReleaseRetry(ref isRetry);
        }
    }

    private async ValueTask<AttemptResult> SendOnceAsync(IAttemptTransport transport, EndpointState endpoint, CancellationToken cancellation)
    {
        Attempts++;
        using var perTry = policy.PerTryTimeout is { } timeout ? new Deadline(timeout, time, cancellation) : null;
        endpoint.RequestStarted();
        AttemptResult result;
        try
        {
            result = await transport.SendAsync(endpoint, perTry?.Token ?? cancellation);
        }
        catch (OperationCanceledException) when (perTry?.Expired == true && !cancellation.IsCancellationRequested)
        {
            return new AttemptResult(AttemptOutcome.Failed(UpstreamFailure.Timeout));
        }
        finally
        {
            endpoint.RequestFinished();
        }

        // A transport that reports the cancelled send as a failure: it was the per-try timeout.
        return perTry?.Expired == true && !cancellation.IsCancellationRequested && !result.Delivered && result.Outcome.Failure != UpstreamFailure.None
            ? result with { Outcome = AttemptOutcome.Failed(UpstreamFailure.Timeout) }
            : result;
    }

    private void ReleaseRetry(ref bool isRetry)
    {
        if (isRetry)
        {
            cluster.ConnectionPool.RetryFinished();
            isRetry = false;
        }
    }
}

/// <summary>A cancellation that fires after a timeout on the given clock (so virtual time can drive it), or with its parent.</summary>
public sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly ITimer _timer;

    public Deadline(TimeSpan timeout, TimeProvider time, CancellationToken parent)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(parent);
        _timer = time.CreateTimer(static state => ((Deadline)state!).Fire(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>The timeout, not the parent, cancelled it.</summary>
    public bool Expired { get; private set; }

    private void Fire()
    {
        Expired = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Fired as the deadline was being disposed: nothing waits on it any more.
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _source.Dispose();
    }
}
