using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Bookinfo.ProductPage.Backends;

/// <summary>productpage's calls to details, reviews and ratings, with Istio's timeouts, retries and error bodies.</summary>
public sealed partial class ProductBackends(
    IHttpClientFactory httpClientFactory, IOptions<BookinfoOptions> options, ILogger<ProductBackends> logger)
{
    public const string Details = "details";
    public const string Reviews = "reviews";
    public const string Ratings = "ratings";

    private readonly BookinfoOptions _options = options.Value;

    public Task<BackendResponse> GetDetailsAsync(string productId, CancellationToken cancellationToken) =>
        GetAsync(Details, productId, _options.DetailsTimeout, _options.DetailsAttempts,
            "Sorry, product details are currently unavailable for this book.", cancellationToken);

    public Task<BackendResponse> GetReviewsAsync(string productId, CancellationToken cancellationToken) =>
        GetAsync(Reviews, productId, _options.ReviewsTimeout, _options.ReviewsAttempts,
            "Sorry, product reviews are currently unavailable for this book.", cancellationToken);

    public Task<BackendResponse> GetRatingsAsync(string productId, CancellationToken cancellationToken) =>
        GetAsync(Ratings, productId, _options.RatingsTimeout, 1,
            "Sorry, product ratings are currently unavailable for this book.", cancellationToken);

    /// <summary>Calls <c>GET /{service}/{productId}</c>; the last attempt's status, or 500 without one, on failure.</summary>
    private async Task<BackendResponse> GetAsync(
        string service, string productId, TimeSpan timeout, int attempts, string unavailable, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(service);
        var path = $"{service}/{Uri.EscapeDataString(productId)}";
        int? status = null;
        for (var attempt = 1; attempt <= Math.Max(1, attempts); attempt++)
        {
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(timeout);
            try
            {
                using var response = await client.GetAsync(path, attemptTimeout.Token);
                status = (int)response.StatusCode;
                if (status == StatusCodes.Status200OK
                    && await response.Content.ReadFromJsonAsync<JsonObject>(attemptTimeout.Token) is { } body)
                {
                    return new BackendResponse(StatusCodes.Status200OK, body);
                }

                Log.BackendStatus(logger, service, attempt, status.Value);
            }
            catch (Exception ex) when (IsBackendFailure(ex, cancellationToken))
            {
                status = null;
                Log.BackendFailed(logger, service, attempt, ex.GetType().Name, ex.Message);
            }
        }

        return new BackendResponse(status ?? StatusCodes.Status500InternalServerError, new JsonObject { ["error"] = unavailable });
    }

    private static bool IsBackendFailure(Exception ex, CancellationToken requestAborted) =>
        ex is HttpRequestException or JsonException or NotSupportedException
        || (ex is OperationCanceledException && !requestAborted.IsCancellationRequested);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} attempt {Attempt} answered {StatusCode}")]
        public static partial void BackendStatus(ILogger logger, string service, int attempt, int statusCode);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} attempt {Attempt} failed: {ErrorType}: {Error}")]
        public static partial void BackendFailed(ILogger logger, string service, int attempt, string errorType, string error);
    }
}
