using Bookinfo.Shared;
using Microsoft.AspNetCore.HeaderPropagation;
using Microsoft.Extensions.Primitives;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers propagation of <see cref="PropagatedHeaders.All"/> onto HttpClient and gRPC clients.</summary>
public static class HeaderPropagationExtensions
{
    /// <summary>
    /// Captures the Bookinfo headers from each inbound request. Clients opt in with <c>.AddHeaderPropagation()</c>
    /// and the app must call <c>app.UseHeaderPropagation()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endUser">
    /// Optionally derives the outbound <c>end-user</c> from the request (productpage reads its login cookie);
    /// when it yields nothing the inbound header is forwarded as is.
    /// </param>
    public static IServiceCollection AddBookinfoHeaderPropagation(
        this IServiceCollection services, Func<HeaderPropagationContext, StringValues>? endUser = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHeaderPropagation(options =>
        {
            foreach (var header in PropagatedHeaders.All)
            {
                if (header == PropagatedHeaders.EndUser && endUser is not null)
                {
                    options.Headers.Add(header, endUser);
                }
                else
                {
                    options.Headers.Add(header);
                }
            }
        });
    }
}
