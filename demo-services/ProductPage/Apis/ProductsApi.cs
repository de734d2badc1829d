using Bookinfo.ProductPage.Backends;

namespace Bookinfo.ProductPage.Apis;

/// <summary>Maps Istio's JSON API under <c>/api/v1/products</c>; backend answers pass through with their status.</summary>
public static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/v1/products");
        products.MapGet("/", () => Results.Ok(Product.All));
        products.MapGet("/{id}", async (string id, ProductBackends backends, CancellationToken cancellationToken) =>
            (await backends.GetDetailsAsync(id, cancellationToken)).ToResult());
        products.MapGet("/{id}/reviews", async (string id, ProductBackends backends, CancellationToken cancellationToken) =>
            (await backends.GetReviewsAsync(id, cancellationToken)).ToResult());
        products.MapGet("/{id}/ratings", async (string id, ProductBackends backends, CancellationToken cancellationToken) =>
            (await backends.GetRatingsAsync(id, cancellationToken)).ToResult());
        return app;
    }
}
