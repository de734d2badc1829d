using Bookinfo.Ratings.V1;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bookinfo.Reviews.Extensions;

/// <summary>Wires the reviews service: its version settings, the gRPC ratings client and header propagation.</summary>
public static class ReviewsServiceExtensions
{
    public static IHostApplicationBuilder AddReviewsServices(this IHostApplicationBuilder builder)
    {
        var options = ReviewsOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddBookinfoHeaderPropagation();

        // The factory's HttpClient carries service discovery (ServiceDefaults), so "_grpc.ratings" resolves to
        // the ratings service's endpoint named "grpc".
        builder.Services.AddGrpcClient<RatingsService.RatingsServiceClient>(o => o.Address = options.RatingsUrl)
            .AddHeaderPropagation();

        builder.Services.AddTransient<RatingsLookup>();
        builder.Services.AddTransient<ReviewCatalog>();
        return builder;
    }
}
