namespace Mesh.DataPlane.Resilience;

/// <summary>What one attempt to an endpoint produced: an HTTP status (and gRPC status, when it came in headers) or a failure.</summary>
public readonly record struct AttemptOutcome(int? Status, int? GrpcStatus, UpstreamFailure Failure)
{
    public static AttemptOutcome Response(int status, int? grpcStatus = null) => new(status, grpcStatus, UpstreamFailure.None);

    public static AttemptOutcome Failed(UpstreamFailure failure) => new(null, null, failure);

    /// <summary>A gateway error as Envoy counts them: 502, 503, 504, or no response at all.</summary>
    public bool IsGatewayError => Failure != UpstreamFailure.None || Status is 502 or 503 or 504;

    /// <summary>A 5xx in outlier detection's sense: any 5xx status or no response at all.</summary>
    public bool Is5xx => Failure != UpstreamFailure.None || Status is >= 500;
}
