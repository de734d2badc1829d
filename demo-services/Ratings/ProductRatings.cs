namespace Bookinfo.Ratings;

/// <summary>The stars each reviewer gave one product, shaped like the JSON Istio's ratings service returns.</summary>
public sealed record ProductRatings(int Id, IReadOnlyDictionary<string, int> Ratings)
{
    private static readonly IReadOnlyDictionary<string, int> DefaultRatings =
        new Dictionary<string, int> { ["Reviewer1"] = 5, ["Reviewer2"] = 4 };

    /// <summary>
    /// The ratings of a product, or <see langword="null"/> for a negative id. There is no rating store, so every
    /// product gets Istio's default ratings.
    /// </summary>
    public static ProductRatings? For(int id) => id < 0 ? null : new ProductRatings(id, DefaultRatings);
}
