using System.Globalization;

namespace Bookinfo.Ratings.Apis;

/// <summary>Maps <c>GET /ratings/{id}</c>, the plain HTTP/1.1 face of the service.</summary>
public static class RatingsApi
{
    public static IEndpointRouteBuilder MapRatingsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ratings/{id}", GetRatings);
        return app;
    }

    private static IResult GetRatings(string id) =>
        int.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var productId)
            && ProductRatings.For(productId) is { } ratings
            ? Results.Ok(ratings)
            : Results.BadRequest(new { error = "please provide numeric product ID" });
}
