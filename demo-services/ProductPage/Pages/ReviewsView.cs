using System.Text;
using System.Text.Json.Nodes;
using Bookinfo.ProductPage.Backends;

namespace Bookinfo.ProductPage.Pages;

/// <summary>Renders the reviews section: stars in the colour reviews chose, or the error it reported.</summary>
/// <remarks>Each filled star is <c>&lt;span class="glyphicon glyphicon-star" style="color: black"&gt;</c>.</remarks>
public static class ReviewsView
{
    private const int MaxStars = 5;

    public static string Render(BackendResponse reviews)
    {
        if (!reviews.IsSuccess)
        {
            return $"""
                <section id="reviews"><h4 class="error">Error fetching product reviews</h4>
                <p class="error">{Html.Encode(reviews.Body["error"])}</p></section>
                """;
        }

        var servedBy = $"Reviews served by: {Html.Encode(reviews.Body["podname"])}";
        if (reviews.Body["clustername"]?.ToString() is { Length: > 0 } cluster && cluster != "null")
        {
            servedBy += $" on cluster {Html.Encode(cluster)}";
        }

        var html = new StringBuilder("""<section id="reviews"><h4>Book Reviews</h4>""");
        foreach (var review in (reviews.Body["reviews"] as JsonArray ?? []).OfType<JsonObject>())
        {
            html.Append($"""
                <div class="review">
                <blockquote><p>{Html.Encode(review["text"])}</p></blockquote>
                <small class="reviewer">{Html.Encode(review["reviewer"])}</small>
                {Rating(review["rating"] as JsonObject)}
                <div class="served-by">{servedBy}</div>
                </div>
                """);
        }

        return html.Append("</section>").ToString();
    }

    private static string Rating(JsonObject? rating)
    {
        if (rating?["stars"] is JsonValue value && value.TryGetValue<int>(out var stars))
        {
            var color = Color(rating["color"]);
            stars = Math.Clamp(stars, 0, MaxStars);
            return $"""<div class="rating">{Stars("glyphicon-star", "&#9733;", color, stars)}{Stars("glyphicon-star-empty", "&#9734;", color, MaxStars - stars)}</div>""";
        }

        return rating?["error"] is { } error ? $"""<p class="error rating-error">{Html.Encode(error)}</p>""" : string.Empty;
    }

    private static string Stars(string glyph, string symbol, string color, int count) =>
        string.Concat(Enumerable.Repeat($"""<span class="glyphicon {glyph}" style="color: {color}">{symbol}</span>""", count));

    // The colour lands in a style attribute, so anything but a plain colour name falls back to black.
    private static string Color(JsonNode? color) =>
        color?.ToString() is { Length: > 0 and <= 20 } name && name.All(char.IsAsciiLetter) ? name : "black";
}
