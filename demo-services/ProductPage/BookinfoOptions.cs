namespace Bookinfo.ProductPage;

/// <summary>Where productpage finds its backends and how long it waits for them (section <c>Bookinfo</c>).</summary>
/// <remarks>
/// The defaults are Istio's: 3 s per call, and reviews is tried twice. That retry is the bug Istio's
/// fault-injection task demonstrates: a 7 s ratings delay under reviews v2's 10 s timeout outlasts both attempts.
/// </remarks>
public sealed record BookinfoOptions
{
    public const string SectionName = "Bookinfo";

    public Uri DetailsUrl { get; init; } = new("http://details");

    public Uri ReviewsUrl { get; init; } = new("http://reviews");

    public Uri RatingsUrl { get; init; } = new("http://ratings");

    public TimeSpan DetailsTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public int DetailsAttempts { get; init; } = 1;

    public TimeSpan ReviewsTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public int ReviewsAttempts { get; init; } = 2;

    public TimeSpan RatingsTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
