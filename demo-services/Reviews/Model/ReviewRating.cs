using System.Text.Json.Serialization;

namespace Bookinfo.Reviews.Model;

/// <summary>Either the stars and their colour, or the error shown when ratings could not be fetched.</summary>
public sealed record ReviewRating(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Stars,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Color,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public static ReviewRating Unavailable { get; } = new(null, null, "Ratings service is currently unavailable");

    public static ReviewRating Of(int stars, string color) => new(stars, color, null);
}
