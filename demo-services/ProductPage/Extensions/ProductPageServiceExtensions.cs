using Bookinfo.ProductPage.Backends;
using Microsoft.Extensions.Options;

namespace Bookinfo.ProductPage.Extensions;

/// <summary>Wires productpage: its options, one HttpClient per backend, and header propagation.</summary>
public static class ProductPageServiceExtensions
{
    public static IHostApplicationBuilder AddProductPageServices(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<BookinfoOptions>(builder.Configuration.GetSection(BookinfoOptions.SectionName));
        builder.Services.AddBookinfoHeaderPropagation(context => CurrentUser.Of(context.HttpContext));

        AddBackend(builder.Services, ProductBackends.Details, o => o.DetailsUrl);
        AddBackend(builder.Services, ProductBackends.Reviews, o => o.ReviewsUrl);
        AddBackend(builder.Services, ProductBackends.Ratings, o => o.RatingsUrl);
        builder.Services.AddTransient<ProductBackends>();
        return builder;
    }

    // Base addresses are logical names ("http://details"); service discovery from ServiceDefaults resolves them.
    private static void AddBackend(IServiceCollection services, string name, Func<BookinfoOptions, Uri> baseAddress) =>
        services.AddHttpClient(name)
            .ConfigureHttpClient((sp, client) =>
                client.BaseAddress = baseAddress(sp.GetRequiredService<IOptions<BookinfoOptions>>().Value))
            .AddHeaderPropagation();
}
