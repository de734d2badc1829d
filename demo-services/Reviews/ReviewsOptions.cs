namespace Bookinfo.Reviews;

/// <summary>Which of Istio's three reviews versions this process plays, read once at startup.</summary>
/// <remarks>
/// The keys are the environment variables Istio's reviews image reads (<c>ENABLE_RATINGS</c>, <c>STAR_COLOR</c>,
/// <c>CLUSTER_NAME</c>). <c>SERVICE_VERSION</c> only supplies defaults for them: v1 shows no ratings, v2 black
/// stars, v3 red stars.
/// </remarks>
public sealed record ReviewsOptions(
    string Version,
    bool RatingsEnabled,
    string StarColor,
    TimeSpan RatingsTimeout,
    Uri RatingsUrl,
    string PodName,
    string ClusterName)
{
    public static ReviewsOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var version = NonEmpty(configuration["SERVICE_VERSION"]) ?? "v1";
        var starColor = NonEmpty(configuration["STAR_COLOR"]) ?? (version == "v3" ? "red" : "black");

        return new ReviewsOptions(
            version,
            configuration.GetValue<bool?>("ENABLE_RATINGS") ?? version != "v1",
            starColor,
            // Istio keys the timeout off the colour: black (v2) waits 10 s, red (v3) gives up after 2.5 s.
            configuration.GetValue<TimeSpan?>("Bookinfo:RatingsTimeout")
                ?? (starColor == "black" ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(2.5)),
            new Uri(NonEmpty(configuration["Bookinfo:RatingsUrl"]) ?? "http://_grpc.ratings"),
            PodNameOf(configuration, version),
            // Istio's Java service prints a missing CLUSTER_NAME as "null", and productpage hides that value.
            NonEmpty(configuration["CLUSTER_NAME"]) ?? "null");
    }

    private static string PodNameOf(IConfiguration configuration, string version)
    {
        var name = NonEmpty(configuration["POD_NAME"])
            ?? NonEmpty(configuration["OTEL_SERVICE_NAME"])
            ?? NonEmpty(configuration["HOSTNAME"])
            ?? "reviews";
        return name.Contains(version, StringComparison.OrdinalIgnoreCase) ? name : $"{name}-{version}";
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
