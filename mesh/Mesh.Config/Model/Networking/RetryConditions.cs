namespace Mesh.Config.Model.Networking;

/// <summary>The <c>retryOn</c> conditions Istio (Envoy) defines, plus bare HTTP status codes.</summary>
public static class RetryConditions
{
    /// <summary>Istio's default when a route sets no retry policy.</summary>
    public const string IstioDefault = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

    public static IReadOnlyList<string> Known { get; } =
    [
        "5xx", "gateway-error", "reset", "connect-failure", "envoy-ratelimited", "retriable-4xx", "refused-stream",
        "retriable-status-codes", "retriable-headers", "http3-post-connect-failure",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    ];

    public static bool IsKnown(string condition) =>
        Known.Contains(condition) || (int.TryParse(condition, out var status) && status is >= 100 and <= 599);
}
