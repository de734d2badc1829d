using Mesh.Config.Model.Networking;
using Mesh.Config.Source;
using Mesh.DataPlane;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.Routing;
using Mesh.Proxy.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;

namespace Mesh.Proxy.Tests.Security;

/// <summary>Envoy's local rate limit semantics: a route's config replaces the filter's, and applies only where the filter is.</summary>
public sealed class LocalRateLimitersTests
{
    private static readonly SourceSpan Source = new("limits.yaml", 1, 1);
    private readonly FakeTimeProvider _time = new();
    private readonly LocalRateLimiters _limiters;

    public LocalRateLimitersTests() =>
        _limiters = new LocalRateLimiters(new SystemRandomSource(1), _time, new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    private static LocalRateLimitPatch Filter(int? tokens, EnvoyFilterContext context = EnvoyFilterContext.SidecarInbound) => new()
    {
        Source = Source,
        Context = context,
        StatPrefix = "http_local_rate_limiter",
        TokenBucket = tokens is { } n ? new TokenBucketSpec(n, n, TimeSpan.FromMinutes(1)) : null,
    };

    private static LocalRateLimitPatch Route(int tokens, string? name = null) => new()
    {
        Source = new SourceSpan("limits.yaml", 2, 1),
        Context = EnvoyFilterContext.SidecarInbound,
        Level = LocalRateLimitLevel.Route,
        RouteName = name,
        StatPrefix = "test_enabled",
        TokenBucket = new TokenBucketSpec(tokens, tokens, TimeSpan.FromMinutes(1)),
    };

    private static CompiledRoute Compiled(string? name) =>
        new("reviews.default", 0, new HttpRoute { Source = Source, Name = name }, [], [], []);

    private static RouteTable Table(params LocalRateLimitPatch[] limits) =>
        new("1", new Dictionary<string, ListenerRoutes>(), new Dictionary<string, ClusterConfig>()) { RateLimits = limits };

    private int Refused(RouteTable table, CompiledRoute? route, int requests = 20, ListenerKind listener = ListenerKind.Inbound) =>
        Enumerable.Range(0, requests).Count(_ => _limiters.Refuse(table, listener, route) is not null);

    [Fact]
    public void AFilterWithoutABucket_LimitsNothing_ButARouteOfAnyNameIsLimitedByItsOwn()
    {
        // Istio's samples/ratelimit/local-rate-limit-service.yaml: the filter inserted with no token_bucket, and every
        // route (action: ANY) given a bucket of 10.
        var table = Table(Filter(null), Route(10));

        Assert.Equal(0, Refused(table, route: null));
        Assert.Equal(10, Refused(table, Compiled("any")));
        var stats = _limiters.For("test_enabled");
        Assert.Equal((20, 10, 10, 10), (stats.Enabled, stats.Ok, stats.RateLimited, stats.Enforced));
    }

    [Fact]
    public void ARoutesConfig_ReplacesTheFilters_ForThatRouteOnly()
    {
        var table = Table(Filter(5), Route(2, "ratings"));

        Assert.Equal(18, Refused(table, Compiled("ratings")));
        Assert.Equal(15, Refused(table, Compiled("other")));
    }

    [Fact]
    public void ARoutesConfig_WithoutTheFilterInItsContext_DoesNothing()
    {
        Assert.Equal(0, Refused(Table(Route(1)), Compiled("any")));
        Assert.Equal(0, Refused(Table(Filter(1, EnvoyFilterContext.Gateway), Route(1)), Compiled("any")));
    }

    [Fact]
    public void TheBucketRefills_OnTheFakeClock()
    {
        var table = Table(Filter(3));
        Assert.Equal(7, Refused(table, Compiled(null), requests: 10));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(7, Refused(table, Compiled(null), requests: 10));
    }
}
