namespace Bookinfo.Reviews.Apis;

/// <summary>Maps <c>GET /reviews/{id}</c>.</summary>
public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reviews/{id:int}", async (int id, ReviewCatalog catalog, CancellationToken cancellationToken) =>
            Results.Ok(await catalog.GetAsync(id, cancellationToken)));
        return app;
    }
}
