using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;

namespace Mesh.Config.Yaml;

/// <summary>
/// Reads EnvoyFilters that add Envoy's local rate limit, the way Istio's documentation and samples write them
/// (HTTP_FILTER with a TypedStruct or a typed LocalRateLimit config, with or without a default bucket; HTTP_ROUTE with
/// typed_per_filter_config, for a named route or, with <c>action: ANY</c>, every route). Anything else in an
/// EnvoyFilter is reported as not implemented and ignored.
/// </summary>
internal static class EnvoyFilterReader
{
    public const string FilterName = "envoy.filters.http.local_ratelimit";
    private const string LocalRateLimitType = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";
    private const string TypedStructType = "type.googleapis.com/udpa.type.v1.TypedStruct";
    private const string ConnectionManager = "envoy.filters.network.http_connection_manager";

    /// <summary>Envoy Route fields an HTTP_ROUTE patch may carry beside typed_per_filter_config; none of them is applied.</summary>
    private static readonly string[] RouteFields =
    [
        "name", "match", "route", "redirect", "direct_response", "metadata", "decorator", "request_headers_to_add",
        "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove", "per_request_buffer_limit_bytes",
    ];

    /// <summary>LocalRateLimit fields that are Envoy's but not implemented here: each is a MESH104 warning.</summary>
    private static readonly string[] LimitFields =
    [
        "descriptors", "stage", "local_rate_limit_per_downstream_connection", "enable_x_ratelimit_headers",
        "rate_limited_as_resource_exhausted", "request_headers_to_add_when_not_enforced", "vh_rate_limits", "status",
        "always_consume_default_token_bucket", "local_cluster_rate_limit", "rate_limits", "max_dynamic_descriptors",
    ];

    public static EnvoyFilter Read(YamlObject spec, ResourceMeta meta)
    {
        var selector = spec.Object("workloadSelector") is { } s ? s.Finish(new WorkloadSelector(NetworkingReaders.SelectorLabels(s, "labels"))) : null;
        var patches = spec.List("configPatches", Patch);
        if (spec.Has("workloadSelector") && spec.Has("targetRefs"))
        {
            spec.Report(FindingCodes.InvalidValue, "targetRefs", "spec: only one of targetRefs or workloadSelector can be set");
        }

        return spec.Finish(new EnvoyFilter
        {
            Metadata = meta,
            Source = spec.Span,
            WorkloadSelector = selector,
            LocalRateLimits = patches.OfType<LocalRateLimitPatch>().ToArray(),
        })!;
    }

    private static LocalRateLimitPatch? Patch(YamlObject o)
    {
        var applyTo = o.String("applyTo");
        var context = EnvoyFilterContext.Any;
        string? routeName = null;
        var applies = true;
        if (o.Object("match") is { } match)
        {
            // WAYPOINT (an ambient waypoint proxy) is Istio's, and there is no waypoint here: the patch is not implemented.
            var waypoint = match.Has("context") && match.Node("context") is YamlDotNet.RepresentationModel.YamlScalarNode { Value: "WAYPOINT" };
            context = waypoint ? EnvoyFilterContext.Any : match.Enum<EnvoyFilterContext>("context") ?? EnvoyFilterContext.Any;
            if (waypoint)
            {
                match.Report(FindingCodes.UnimplementedField, "context", $"{match.Path}.context WAYPOINT is not implemented (the mesh has no waypoint proxies); this patch is ignored");
                applies = false;
                if (new[] { "listener", "routeConfiguration", "cluster" }.FirstOrDefault(match.Has) is { } other)
                {
                    match.Report(FindingCodes.InvalidValue, other, $"{match.Path}: context WAYPOINT matches only with waypoint, not {other}");
                }
            }
            else if (match.Has("waypoint"))
            {
                match.Report(FindingCodes.InvalidValue, "waypoint", $"{match.Path}.waypoint is only allowed when the context is WAYPOINT");
            }

            match.Object("waypoint", w =>
            {
                w.Int("portNumber", 1, 65535);
                return w.Finish<object>(null);
            });
            if (match.Object("listener") is { } listener)
            {
                // An HTTP filter is inserted into the HTTP connection manager; a match on another network filter finds none.
                var chain = listener.Object("filterChain");
                var filter = chain?.Object("filter");
                var filterName = filter?.Finish(filter.String("name"));
                chain?.Finish<object>(null);
                listener.Finish<object>(null);
                if (filterName is not null && filterName != ConnectionManager)
                {
                    listener.Report(FindingCodes.UnimplementedField, "filterChain",
                        $"{listener.Path}.filterChain.filter.name '{filterName}': only {ConnectionManager} carries HTTP filters; this patch is ignored");
                    applies = false;
                }
            }

            var routes = match.Object("routeConfiguration");
            var vhost = routes?.Object("vhost");
            if (vhost?.Object("route") is { } route)
            {
                routeName = route.String("name");
                var action = route.String("action");
                if (action is not (null or "ANY"))
                {
                    route.Report(FindingCodes.UnimplementedField, "action", $"{route.Path}.action {action}: only ANY (every route) or a route name is implemented; this patch is ignored");
                    applies = false;
                }

                route.Finish<object>(null);
            }

            vhost?.Finish<object>(null);
            routes?.Finish<object>(null);
            match.Finish<object>(null);
        }

        var patch = o.Object("patch");
        if (patch is null || applyTo is not ("HTTP_FILTER" or "HTTP_ROUTE"))
        {
            o.Ignore("patch");
            o.Report(FindingCodes.UnimplementedField, "applyTo",
                $"{o.Path}: only EnvoyFilter patches adding {FilterName} (HTTP_FILTER or HTTP_ROUTE) are implemented; this patch is ignored");
            return o.Finish<LocalRateLimitPatch>(null);
        }

        if (patch.String("operation") is "REMOVE")
        {
            patch.Report(FindingCodes.UnimplementedField, "operation", $"{patch.Path}.operation REMOVE is not implemented; this patch is ignored");
            applies = false;
        }

        var value = patch.Object("value");
        LocalRateLimitPatch? result = null;
        if (value is not null)
        {
            var level = applyTo == "HTTP_FILTER" ? LocalRateLimitLevel.Filter : LocalRateLimitLevel.Route;
            var config = level == LocalRateLimitLevel.Filter ? FilterConfig(value) : RouteConfig(value);
            result = config is null ? null : Limit(config, o.Span, context, level, routeName);
        }

        patch.Finish<object>(null);
        return o.Finish(applies ? result : null);
    }

    private static YamlObject? FilterConfig(YamlObject value)
    {
        var name = value.String("name");
        if (name != FilterName)
        {
            value.Ignore("typed_config", "typedConfig");
            value.Report(FindingCodes.UnimplementedField, "name", $"{value.Path}.name '{name}': only {FilterName} is implemented; this patch is ignored");
            value.Finish<object>(null);
            return null;
        }

        var typed = value.Object("typed_config") ?? value.Object("typedConfig");
        value.Finish<object>(null);
        return typed is null ? null : Unwrap(typed);
    }

    private static YamlObject? RouteConfig(YamlObject value)
    {
        var perFilter = value.Object("typed_per_filter_config") ?? value.Object("typedPerFilterConfig");
        value.Finish<object>(null, RouteFields);
        if (perFilter is null)
        {
            return null;
        }

        var typed = perFilter.Object(FilterName);
        perFilter.Finish<object>(null);
        return typed is null ? null : Unwrap(typed);
    }

    /// <summary>Both of Istio's spellings: a TypedStruct wrapping the config, or the typed config itself.</summary>
    private static YamlObject? Unwrap(YamlObject typed)
    {
        var type = typed.String("@type");
        if (type == TypedStructType)
        {
            var url = typed.String("type_url");
            var inner = typed.Object("value");
            typed.Finish<object>(null);
            if (url != LocalRateLimitType)
            {
                typed.Report(FindingCodes.InvalidValue, "type_url", $"{typed.Path}.type_url must be {LocalRateLimitType}");
                return null;
            }

            return inner;
        }

        if (type != LocalRateLimitType)
        {
            typed.Report(FindingCodes.InvalidValue, "@type", $"{typed.Path}.@type must be {LocalRateLimitType} or {TypedStructType}");
        }

        return type == LocalRateLimitType ? typed : null;
    }

    private static LocalRateLimitPatch? Limit(YamlObject config, Source.SourceSpan source, EnvoyFilterContext context, LocalRateLimitLevel level, string? routeName)
    {
        config.Ignore("@type");
        var statPrefix = config.String("stat_prefix");
        var bucket = config.Object("token_bucket") is { } b
            ? b.Finish(new TokenBucketSpec(
                b.Int("max_tokens", 1) ?? Missing(b, "max_tokens"),
                b.Int("tokens_per_fill", 1) ?? 1,
                b.Duration("fill_interval") ?? TimeSpan.FromSeconds(1)))
            : null;
        var enabled = Fraction(config, "filter_enabled");
        var enforced = Fraction(config, "filter_enforced");
        var headers = config.List("response_headers_to_add", h =>
        {
            h.Ignore("append", "append_action", "keep_empty_value");
            return h.Object("header") is { } kv ? kv.Finish(new ResponseHeader(kv.String("key") ?? "", kv.String("value") ?? "")) : null;
        }).ToDictionary(h => h.Key, h => h.Value);

        config.Finish<object>(null, LimitFields);
        if (statPrefix is null)
        {
            config.Report(FindingCodes.MissingField, "stat_prefix", $"{config.Path}.stat_prefix is required");
            return null;
        }

        return new LocalRateLimitPatch
        {
            Source = source,
            Context = context,
            Level = level,
            RouteName = routeName,
            StatPrefix = statPrefix,
            TokenBucket = bucket,
            EnabledPercent = enabled ?? 100,
            EnforcedPercent = enforced ?? 100,
            ResponseHeaders = headers,
        };
    }

    /// <summary>Envoy's RuntimeFractionalPercent: default_value {numerator, denominator HUNDRED|TEN_THOUSAND|MILLION}.</summary>
    private static double? Fraction(YamlObject config, string key)
    {
        if (config.Object(key) is not { } fraction)
        {
            return null;
        }

        fraction.Ignore("runtime_key");
        double? percent = null;
        if (fraction.Object("default_value") is { } value)
        {
            var numerator = value.Double("numerator") ?? 0;
            var denominator = value.String("denominator") ?? "HUNDRED";
            percent = denominator switch
            {
                "TEN_THOUSAND" => numerator / 100,
                "MILLION" => numerator / 10_000,
                _ => numerator,
            };
            value.Finish<object>(null);
        }

        fraction.Finish<object>(null);
        return percent;
    }

    private static int Missing(YamlObject o, string key)
    {
        o.Report(FindingCodes.MissingField, key, $"{o.Path}.{key} is required");
        return 1;
    }

    private sealed record ResponseHeader(string Key, string Value);
}
