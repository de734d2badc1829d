namespace Mesh.DataPlane.Resilience;

/// <summary>Envoy's retry conditions, as Istio's <c>retryOn</c> names them.</summary>
[Flags]
public enum RetryOn
{
    None = 0,
    ServerError = 1 << 0,          // 5xx
    GatewayError = 1 << 1,         // gateway-error
    Reset = 1 << 2,                // reset
    ConnectFailure = 1 << 3,       // connect-failure
    Retriable4xx = 1 << 4,         // retriable-4xx (409)
    RefusedStream = 1 << 5,        // refused-stream
    RetriableStatusCodes = 1 << 6, // retriable-status-codes
    Cancelled = 1 << 7,            // gRPC CANCELLED
    DeadlineExceeded = 1 << 8,     // gRPC DEADLINE_EXCEEDED
    Internal = 1 << 9,             // gRPC INTERNAL
    ResourceExhausted = 1 << 10,   // gRPC RESOURCE_EXHAUSTED
    Unavailable = 1 << 11,         // gRPC UNAVAILABLE
}
