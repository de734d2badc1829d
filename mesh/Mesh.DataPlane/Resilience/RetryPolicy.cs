using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.Resilience;

/// <summary>
/// A route's retry policy with Envoy's semantics. Without a <c>retries</c> block Istio's default applies: 2 retries
/// on connect-failure, refused-stream, unavailable, cancelled and 503. <c>attempts: 0</c> turns retries off.
/// </summary>
/// <remarks>
/// Backoff is Envoy's: before retry n, wait a uniformly random time in [0, base × 2^(n-1)], capped at 10 × base
/// (base 25 ms unless <c>backoff</c> is set). Requests whose body cannot be replayed are never retried, and an
/// abort injected by this proxy is never retried by it.
/// </remarks>
public sealed record RetryPolicy
{
    public static readonly TimeSpan DefaultBaseBackoff = TimeSpan.FromMilliseconds(25);

    public static readonly RetryPolicy None = new() { Retries = 0, RetryOn = RetryOn.None };

    /// <summary>Istio's default when a route sets no retry policy.</summary>
    public static readonly RetryPolicy IstioDefault = new()
    {
        Retries = 2,
        RetryOn = RetryOn.ConnectFailure | RetryOn.RefusedStream | RetryOn.Unavailable | RetryOn.Cancelled | RetryOn.RetriableStatusCodes,
        RetriableStatusCodes = new HashSet<int> { 503 },
    };

    /// <summary>How many retries (attempts after the first) are allowed.</summary>
    public int Retries { get; init; }

    public TimeSpan? PerTryTimeout { get; init; }

    public RetryOn RetryOn { get; init; }

    public IReadOnlySet<int> RetriableStatusCodes { get; init; } = new HashSet<int>();

    public TimeSpan BaseBackoff { get; init; } = DefaultBaseBackoff;

    /// <summary>Whether a retry avoids endpoints already tried (Istio's default <c>previous_hosts</c> predicate).</summary>
    public bool AvoidPreviousHosts { get; init; } = true;

    public static RetryPolicy From(HttpRetry? retry)
    {
        if (retry is null)
        {
            return IstioDefault;
        }

        if (retry.Attempts <= 0)
        {
            return None;
        }

        var on = RetryOn.None;
        var codes = new HashSet<int>();
        foreach (var condition in (retry.RetryOn ?? "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
                     .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            on |= condition switch
            {
                "5xx" => RetryOn.ServerError,
                "gateway-error" => RetryOn.GatewayError,
                "reset" => RetryOn.Reset,
                "connect-failure" => RetryOn.ConnectFailure,
                "retriable-4xx" => RetryOn.Retriable4xx,
                "refused-stream" => RetryOn.RefusedStream,
                "retriable-status-codes" => RetryOn.RetriableStatusCodes,
                "cancelled" => RetryOn.Cancelled,
                "deadline-exceeded" => RetryOn.DeadlineExceeded,
                "internal" => RetryOn.Internal,
                "resource-exhausted" => RetryOn.ResourceExhausted,
                "unavailable" => RetryOn.Unavailable,
                _ when int.TryParse(condition, out var code) && codes.Add(code) => RetryOn.RetriableStatusCodes,
                _ => RetryOn.None,
            };
        }

        if (retry.RetryOn is null)
        {
            codes.Add(503);
        }

        return new RetryPolicy
        {
            Retries = retry.Attempts,
            PerTryTimeout = retry.PerTryTimeout,
            RetryOn = on,
            RetriableStatusCodes = codes,
            BaseBackoff = retry.Backoff ?? DefaultBaseBackoff,
            AvoidPreviousHosts = retry.RetryIgnorePreviousHosts ?? true,
        };
    }

    /// <summary>Whether this outcome may be retried under the policy (budget and attempts are checked elsewhere).</summary>
    public bool IsRetriable(AttemptOutcome outcome)
    {
        switch (outcome.Failure)
        {
            case UpstreamFailure.ConnectFailure:
                return RetryOn.HasFlag(RetryOn.ConnectFailure) || RetryOn.HasFlag(RetryOn.ServerError) || RetryOn.HasFlag(RetryOn.GatewayError);
            case UpstreamFailure.RefusedStream:
                return RetryOn.HasFlag(RetryOn.RefusedStream) || RetryOn.HasFlag(RetryOn.Reset) || RetryOn.HasFlag(RetryOn.ServerError);
            case UpstreamFailure.Reset:
                return RetryOn.HasFlag(RetryOn.Reset) || RetryOn.HasFlag(RetryOn.ServerError) || RetryOn.HasFlag(RetryOn.GatewayError);
            case UpstreamFailure.Timeout:
                return RetryOn.HasFlag(RetryOn.ServerError) || RetryOn.HasFlag(RetryOn.GatewayError);
        }

        if (outcome.GrpcStatus is { } grpc && grpc != 0 && GrpcRetriable(grpc))
        {
            return true;
        }

        return outcome.Status switch
        {
            >= 500 when RetryOn.HasFlag(RetryOn.ServerError) => true,
            502 or 503 or 504 when RetryOn.HasFlag(RetryOn.GatewayError) => true,
            409 when RetryOn.HasFlag(RetryOn.Retriable4xx) => true,
            { } status when RetryOn.HasFlag(RetryOn.RetriableStatusCodes) && RetriableStatusCodes.Contains(status) => true,
            _ => false,
        };
    }

    private bool GrpcRetriable(int status) => status switch
    {
        1 => RetryOn.HasFlag(RetryOn.Cancelled),
        4 => RetryOn.HasFlag(RetryOn.DeadlineExceeded),
        8 => RetryOn.HasFlag(RetryOn.ResourceExhausted),
        13 => RetryOn.HasFlag(RetryOn.Internal),
        14 => RetryOn.HasFlag(RetryOn.Unavailable),
        _ => false,
    };

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based): full jitter up to an exponential bound.</summary>
    public TimeSpan Backoff(int retry, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var max = BaseBackoff * 10;
        var bound = BaseBackoff * Math.Pow(2, Math.Min(retry - 1, 16));
        if (bound > max)
        {
            bound = max;
        }

        return bound * random.NextDouble();
    }
}
