using System.Globalization;
using Bookinfo.Reviews.Model;

namespace Bookinfo.Reviews;

/// <summary>Istio's two fixed reviews, joined with ratings when this version shows them.</summary>
public sealed class ReviewCatalog(ReviewsOptions options, RatingsLookup ratings)
{
    private static readonly (string Reviewer, string Text)[] FixedReviews =
    [
        ("Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"),
        ("Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."),
    ];

    public async Task<ProductReviews> GetAsync(int productId, CancellationToken cancellationToken)
    {
        var stars = options.RatingsEnabled ? await ratings.GetAsync(productId, cancellationToken) : null;
        var reviews = FixedReviews.Select(r => new Review(r.Reviewer, r.Text, RatingOf(r.Reviewer, stars))).ToList();
        return new ProductReviews(
            productId.ToString(CultureInfo.InvariantCulture), options.PodName, options.ClusterName, reviews);
    }

    private ReviewRating? RatingOf(string reviewer, IReadOnlyDictionary<string, int>? stars) =>
        !options.RatingsEnabled ? null
        : stars is not null && stars.TryGetValue(reviewer, out var count) ? ReviewRating.Of(count, options.StarColor)
        : ReviewRating.Unavailable;
}
