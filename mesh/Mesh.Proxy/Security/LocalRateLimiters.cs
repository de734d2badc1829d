using System.Collections.Concurrent;
using Mesh.Config.Model.Networking;
using Mesh.DataPlane;
using Mesh.DataPlane.Routing;
using Mesh.DataPlane.Security;

namespace Mesh.Proxy.Security;

/// <summary>
/// The token buckets of the EnvoyFilter local rate limits that apply to this proxy. Buckets outlive config versions:
/// a limit whose definition did not change keeps its bucket.
/// </summary>
public sealed class LocalRateLimiters(IRandomSource random, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private long _limited;

    /// <summary>Requests refused (or, where not enforced, only counted) by a local rate limit.</summary>
    public long Limited => Interlocked.Read(ref _limited);

    /// <summary>The first limit of the table that refuses this request, if any (listener-wide limits, then the route's).</summary>
    public LocalRateLimitPatch? Refuse(RouteTable table, ListenerKind listener, CompiledRoute? route)
    {
        var context = listener switch
        {
            ListenerKind.Inbound => EnvoyFilterContext.SidecarInbound,
            ListenerKind.Gateway => EnvoyFilterContext.Gateway,
            _ => EnvoyFilterContext.SidecarOutbound,
        };
        foreach (var limit in table.RateLimits)
        {
            var applies = (limit.Context == EnvoyFilterContext.Any || limit.Context == context) &&
                (limit.RouteName is null ? route is null : route?.Name == limit.RouteName);
            if (!applies || !Sampled(limit.EnabledPercent))
            {
                continue;
            }

            var bucket = _buckets.GetOrAdd(Key(limit), _ => new TokenBucket(limit.TokenBucket.MaxTokens, limit.TokenBucket.TokensPerFill, limit.TokenBucket.FillInterval, time));
            if (!bucket.TryTake())
            {
                Interlocked.Increment(ref _limited);
                if (Sampled(limit.EnforcedPercent))
                {
                    return limit;
                }
            }
        }

        return null;
    }

    private bool Sampled(double percent) => percent >= 100 || (percent > 0 && random.NextDouble() * 100 < percent);

    private static string Key(LocalRateLimitPatch limit) => $"{limit.Source}|{limit.Context}|{limit.RouteName}|{limit.TokenBucket}";
}
