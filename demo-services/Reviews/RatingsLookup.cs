using Bookinfo.Ratings.V1;
using Grpc.Core;

namespace Bookinfo.Reviews;

/// <summary>Fetches a product's ratings from the ratings service over gRPC, within the configured deadline.</summary>
public sealed partial class RatingsLookup(
    RatingsService.RatingsServiceClient client,
    ReviewsOptions options,
    TimeProvider timeProvider,
    ILogger<RatingsLookup> logger)
{
    /// <summary>Reviewer to stars, or <see langword="null"/> when ratings failed or missed the deadline.</summary>
    public async Task<IReadOnlyDictionary<string, int>?> GetAsync(int productId, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow().UtcDateTime + options.RatingsTimeout;
        try
        {
            var response = await client.GetRatingsAsync(
                new GetRatingsRequest { ProductId = productId }, deadline: deadline, cancellationToken: cancellationToken);
            return new Dictionary<string, int>(response.Ratings);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.RatingsUnavailable(logger, productId, ex.StatusCode, ex.Status.Detail);
            return null;
        }
        catch (RpcException ex) when (cancellationToken.IsCancellationRequested)
        {
            // The caller hung up: an ordinary end of a request, which the host logs quietly as a cancellation, not an error.
            throw new OperationCanceledException("the caller hung up while ratings were being fetched", ex, cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Ratings for product {ProductId} unavailable: {StatusCode} {Detail}")]
        public static partial void RatingsUnavailable(ILogger logger, int productId, StatusCode statusCode, string detail);
    }
}
