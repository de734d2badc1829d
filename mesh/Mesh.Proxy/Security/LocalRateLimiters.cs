using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Mesh.Config.Model.Networking;
using Mesh.DataPlane;
using Mesh.DataPlane.Routing;
using Mesh.DataPlane.Security;

namespace Mesh.Proxy.Security;

/// <summary>
/// The token buckets of the EnvoyFilter local rate limits that apply to this proxy, and Envoy's stats for them
/// (<c>envoy_&lt;stat_prefix&gt;_http_local_rate_limit_{enabled,enforced,rate_limited,ok}</c>). Buckets outlive config
/// versions: a limit whose definition did not change keeps its bucket.
/// </summary>
public sealed class LocalRateLimiters(IRandomSource random, TimeProvider time, IMeterFactory meters)
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Stats> _stats = new(StringComparer.Ordinal);
    private readonly Meter _meter = meters.Create(Telemetry.ProxyTelemetry.MeterName);
    private readonly Lock _creating = new();

    /// <summary>Envoy's counters for one stat prefix, as the proxy's metrics show them.</summary>
    public sealed class Stats
    {
        internal long EnabledCount;
        internal long EnforcedCount;
        internal long RateLimitedCount;
        internal long OkCount;

        public long Enabled => Interlocked.Read(ref EnabledCount);

        public long Enforced => Interlocked.Read(ref EnforcedCount);

        public long RateLimited => Interlocked.Read(ref RateLimitedCount);

        public long Ok => Interlocked.Read(ref OkCount);
    }

    /// <summary>The counters of a stat prefix (created, with their instruments, on first use).</summary>
    public Stats For(string statPrefix)
    {
        if (_stats.TryGetValue(statPrefix, out var existing))
        {
            return existing;
        }

        lock (_creating)
        {
            if (_stats.TryGetValue(statPrefix, out existing))
            {
                return existing;
            }

            var stats = new Stats();
            var name = $"envoy_{System.Text.RegularExpressions.Regex.Replace(statPrefix, "[^A-Za-z0-9_]", "_")}_http_local_rate_limit_";
            _meter.CreateObservableCounter(name + "enabled", () => stats.Enabled, description: "Requests the local rate limit looked at.");
            _meter.CreateObservableCounter(name + "enforced", () => stats.Enforced, description: "Requests the local rate limit refused.");
            _meter.CreateObservableCounter(name + "rate_limited", () => stats.RateLimited, description: "Requests over the limit, refused or not.");
            _meter.CreateObservableCounter(name + "ok", () => stats.Ok, description: "Requests under the limit.");
            _stats[statPrefix] = stats;
            return stats;
        }
    }

    /// <summary>
    /// The limit that refuses this request, if any. As in Envoy, a route's own config replaces the filter's for that
    /// route, and it applies only where the filter was inserted (the same listener context); a request no route
    /// matched is limited by the filter's config.
    /// </summary>
    public LocalRateLimitPatch? Refuse(RouteTable table, ListenerKind listener, CompiledRoute? route)
    {
        var context = listener switch
        {
            ListenerKind.Inbound => EnvoyFilterContext.SidecarInbound,
            ListenerKind.Gateway => EnvoyFilterContext.Gateway,
            _ => EnvoyFilterContext.SidecarOutbound,
        };
        // Two passes over the table, allocating nothing: is the filter here, and has this route a config of its own?
        var hasFilter = false;
        var hasRoute = false;
        foreach (var limit in table.RateLimits)
        {
            hasFilter |= Here(limit) && limit.Level == LocalRateLimitLevel.Filter;
            hasRoute |= Here(limit) && Own(limit);
        }

        if (!hasFilter)
        {
            return null;
        }

        foreach (var limit in table.RateLimits)
        {
            if (!Here(limit) || (hasRoute ? !Own(limit) : limit.Level != LocalRateLimitLevel.Filter) ||
                limit.TokenBucket is not { } spec || !Sampled(limit.EnabledPercent))
            {
                continue;
            }

            var stats = For(limit.StatPrefix);
            Interlocked.Increment(ref stats.EnabledCount);
            var bucket = _buckets.GetOrAdd(Key(limit), _ => new TokenBucket(spec.MaxTokens, spec.TokensPerFill, spec.FillInterval, time));
            if (bucket.TryTake())
            {
                Interlocked.Increment(ref stats.OkCount);
                continue;
            }

            Interlocked.Increment(ref stats.RateLimitedCount);
            if (Sampled(limit.EnforcedPercent))
            {
                Interlocked.Increment(ref stats.EnforcedCount);
                return limit;
            }
        }

        return null;

        bool Here(LocalRateLimitPatch limit) => limit.Context == EnvoyFilterContext.Any || limit.Context == context;

        bool Own(LocalRateLimitPatch limit) =>
            route is not null && limit.Level == LocalRateLimitLevel.Route && (limit.RouteName is null || limit.RouteName == route.Name);
    }

    private bool Sampled(double percent) => percent >= 100 || (percent > 0 && random.NextDouble() * 100 < percent);

    private static string Key(LocalRateLimitPatch limit) => $"{limit.Source}|{limit.Context}|{limit.Level}|{limit.RouteName}|{limit.TokenBucket}";
}
