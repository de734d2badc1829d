using System.Globalization;

namespace Bookinfo.Details.Apis;

/// <summary>Maps <c>GET /details/{id}</c>.</summary>
public static class DetailsApi
{
    public static IEndpointRouteBuilder MapDetailsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/details/{id}", GetDetails);
        return app;
    }

    private static IResult GetDetails(string id) =>
        int.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var productId)
            ? Results.Ok(BookDetails.For(productId))
            : Results.BadRequest(new { error = "please provide numeric product id" });
}
