using System.Net;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>VirtualService: its HTTP rules, matches, actions, retries, faults, mirrors and CORS.</summary>
internal static partial class NetworkingReaders
{
    public static VirtualService VirtualService(YamlObject spec, ResourceMeta meta)
    {
        var gateways = spec.Strings("gateways");
        // Bound to the mesh when no gateway is named, or when "mesh" is among them (Istio's isGateway).
        var atGateway = gateways.Count > 0 && gateways.Any(g => g != "mesh");
        var boundToMesh = gateways.Count == 0 || gateways.Contains("mesh");
        var service = new VirtualService
        {
            Metadata = meta,
            Source = spec.Span,
            Hosts = spec.Strings("hosts", h => IstioRules.VirtualServiceHost(h, boundToMesh)),
            Gateways = gateways,
            Http = spec.List("http", HttpRoute),
            ExportTo = ExportToList(spec, serviceEntry: false),
        };

        if (!spec.Has("http") && !spec.Has("tcp") && !spec.Has("tls"))
        {
            spec.Context.Report(FindingCodes.MissingField, spec.Span, "http, tcp or tls must be provided in a VirtualService");
        }

        if (!atGateway)
        {
            // Istio: JWT claim based routing is only supported at a gateway, where the RequestAuthentication runs first.
            foreach (var match in service.Http.SelectMany(r => r.Match))
            {
                foreach (var (name, value) in match.Headers.Concat(match.WithoutHeaders))
                {
                    if (IstioRules.IsClaim(name))
                    {
                        spec.Context.Report(FindingCodes.InvalidValue, value.Source,
                            $"routing on the JWT claim '{name}' is only supported for a VirtualService bound to a gateway, not the mesh");
                    }
                }
            }
        }

        return spec.Finish(service)!;
    }

    private static HttpRoute HttpRoute(YamlObject o)
    {
        var route = new HttpRoute
        {
            Source = o.Span,
            Name = o.String("name"),
            Match = o.List("match", HttpMatch),
            Route = o.List("route", RouteDestination),
            Redirect = o.Object("redirect", Redirect),
            DirectResponse = o.Object("directResponse", DirectResponse),
            Rewrite = o.Object("rewrite", Rewrite),
            Timeout = o.Duration("timeout", TimeSpan.Zero),
            Retries = o.Object("retries", Retry),
            Fault = o.Object("fault", Fault),
            Mirror = o.Object("mirror", Destination),
            // mirrorPercent (proto name mirror_percent) is the deprecated integer form of mirrorPercentage.
            MirrorPercentage = Percentage(o, "mirrorPercentage") ?? LegacyMirrorPercent(o),
            Mirrors = o.List("mirrors", m => m.Object("destination", Destination) is { } d
                ? new HttpMirrorPolicy(d, Percentage(m, "percentage"))
                : Missing<HttpMirrorPolicy>(m, "destination")),
            CorsPolicy = o.Object("corsPolicy", Cors),
            Headers = o.Object("headers", Headers),
            Delegate = o.Object("delegate", d => d.Finish(d.String("name", required: true) is { } name ? $"{d.String("namespace") ?? o.Context.Namespace}/{name}" : null)),
        };
        if (o.Has("mirror") && o.Has("mirrors"))
        {
            o.Report(FindingCodes.InvalidValue, "mirrors", $"{o.Path}: only one of mirror or mirrors can be set");
        }

        return o.Finish(route)!;
    }

    private static Percent? LegacyMirrorPercent(YamlObject o) =>
        (o.Int("mirrorPercent", 0, 100) ?? o.Int("mirror_percent", 0, 100)) is { } percent ? new Percent(percent) : null;

    private static HttpMatchRequest HttpMatch(YamlObject o) => o.Finish(new HttpMatchRequest
    {
        Source = o.Span,
        Name = o.String("name"),
        Uri = o.Object("uri", StringMatch),
        Scheme = o.Object("scheme", NonEmptyStringMatch),
        Method = o.Object("method", NonEmptyStringMatch),
        Authority = o.Object("authority", NonEmptyStringMatch),
        Headers = HeaderMatches(o, "headers"),
        QueryParams = o.Map("queryParams", PresenceOrMatch),
        WithoutHeaders = HeaderMatches(o, "withoutHeaders"),
        Port = o.Int("port", 1, 65535),
        SourceLabels = o.StringMap("sourceLabels"),
        Gateways = o.Strings("gateways"),
        SourceNamespace = o.String("sourceNamespace"),
        IgnoreUriCase = o.Bool("ignoreUriCase") ?? false,
    })!;

    /// <summary>A header or query match; <c>{}</c> means "present with any value", which is a prefix match on "".</summary>
    private static StringMatch? PresenceOrMatch(YamlObject o) =>
        o.Has("exact") || o.Has("prefix") || o.Has("regex") ? NonEmptyStringMatch(o) : new StringMatch(StringMatchKind.Prefix, "", o.Span);

    /// <summary>Header matches, each named as Istio's ValidateHTTPHeaderNameOrJwtClaimRoute allows.</summary>
    private static IReadOnlyDictionary<string, StringMatch> HeaderMatches(YamlObject o, string key)
    {
        var matches = o.Map(key, PresenceOrMatch);
        foreach (var name in matches.Keys)
        {
            if (IstioRules.HeaderNameOrClaim(name) is { } problem)
            {
                o.Context.Report(FindingCodes.InvalidValue, matches[name].Source, $"{o.Path}.{key}: {problem}");
            }
        }

        return matches;
    }

    /// <summary>A string match where Istio refuses an empty prefix (everything but uri and CORS origins).</summary>
    private static StringMatch? NonEmptyStringMatch(YamlObject o)
    {
        var match = StringMatch(o);
        if (match is { Kind: StringMatchKind.Prefix, Value.Length: 0 })
        {
            o.Report(FindingCodes.InvalidValue, "prefix", $"{o.Path}.prefix: a prefix string match should not be empty");
            return null;
        }

        return match;
    }

    internal static StringMatch? StringMatch(YamlObject o)
    {
        var set = new[] { "exact", "prefix", "regex" }.Where(o.Has).ToArray();
        if (set.Length != 1)
        {
            o.Ignore("exact", "prefix", "regex");
            o.Context.Report(FindingCodes.InvalidValue, o.Span,
                $"{o.Path} must set exactly one of exact, prefix or regex" + (set.Length > 1 ? $", not {string.Join(" and ", set)}" : ""));
            return null;
        }

        return set[0] switch
        {
            "exact" => o.String("exact") is { } e ? new StringMatch(StringMatchKind.Exact, e, o.Span) : null,
            "prefix" => o.String("prefix") is { } p ? new StringMatch(StringMatchKind.Prefix, p, o.Span) : null,
            _ => o.Regex("regex") is { } r ? new StringMatch(StringMatchKind.Regex, r, o.Span) : null,
        };
    }

    private static HttpRouteDestination? RouteDestination(YamlObject o)
    {
        var destination = o.Object("destination", Destination);
        var weight = o.Int("weight", 0); // relative, as in Istio: Envoy divides by the total
        var headers = o.Object("headers", Headers);
        return destination is null
            ? Missing<HttpRouteDestination>(o, "destination")
            : new HttpRouteDestination { Source = o.Span, Destination = destination, Weight = weight, Headers = headers };
    }

    internal static Destination Destination(YamlObject o) => o.Finish(new Destination
    {
        Source = o.Span,
        Host = o.String("host", required: true) ?? "",
        Subset = o.String("subset"),
        Port = o.PortNumber("port"),
    })!;

    private static HttpRedirect Redirect(YamlObject o)
    {
        var code = o.Int("redirectCode", 300, 399) ?? 301;
        return o.Finish(new HttpRedirect
        {
            Source = o.Span,
            Uri = o.String("uri"),
            Authority = o.String("authority"),
            Port = o.Int("port", 1, 65535),
            Scheme = o.String("scheme"),
            RedirectCode = code,
        })!;
    }

    private static HttpDirectResponse DirectResponse(YamlObject o)
    {
        var status = o.Int("status", 200, 599);
        if (status is null && !o.Has("status"))
        {
            o.Report(FindingCodes.MissingField, "status", $"{o.Path}.status is required");
        }

        var body = o.Object("body", b => b.Finish(b.String("string") ?? (b.String("bytes") is { } bytes ? DecodeBase64(bytes) : null)));
        return new HttpDirectResponse { Source = o.Span, Status = status ?? 503, Body = body };
    }

    private static string? DecodeBase64(string text)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static HttpRewrite Rewrite(YamlObject o) => o.Finish(new HttpRewrite
    {
        Source = o.Span,
        Uri = o.String("uri"),
        Authority = o.String("authority"),
        UriRegexRewrite = o.Object("uriRegexRewrite", r => (r.Regex("match"), r.String("rewrite")) is ({ } match, var rewrite) ? new RegexRewrite(match, rewrite ?? "") : null),
    })!;

    private static HttpRetry Retry(YamlObject o)
    {
        var retry = new HttpRetry
        {
            Source = o.Span,
            Attempts = o.Int("attempts", 0, 1000) ?? 0,
            PerTryTimeout = o.Duration("perTryTimeout"),
            RetryOn = o.String("retryOn"),
            RetryRemoteLocalities = o.Bool("retryRemoteLocalities"),
            RetryIgnorePreviousHosts = o.Bool("retryIgnorePreviousHosts"),
            Backoff = o.Duration("backoff"),
        };

        if (retry.RetryOn is { } on)
        {
            foreach (var condition in on.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!RetryConditions.IsKnown(condition))
                {
                    o.Report(FindingCodes.InvalidEnum, "retryOn",
                        $"{o.Path}.retryOn '{condition}' is not a retry condition; use {string.Join(", ", RetryConditions.Known)} or an HTTP status code");
                }
            }
        }

        return o.Finish(retry)!;
    }

    private static HttpFaultInjection Fault(YamlObject o) => o.Finish(new HttpFaultInjection
    {
        Source = o.Span,
        Delay = o.Object("delay", d =>
        {
            var fixedDelay = d.Duration("fixedDelay");
            if (fixedDelay is null && !d.Has("fixedDelay") && !d.Has("exponentialDelay"))
            {
                d.Report(FindingCodes.MissingField, "fixedDelay", $"{d.Path}.fixedDelay is required");
            }

            var percentage = FaultPercentage(d);
            return d.Finish(fixedDelay is null ? null : new FaultDelay(fixedDelay.Value, percentage, d.Span));
        }),
        Abort = o.Object("abort", a =>
        {
            var http = a.Int("httpStatus", 200, 599);
            var grpc = a.String("grpcStatus");
            if (grpc is not null && !GrpcStatusNames.IsKnown(grpc))
            {
                a.Report(FindingCodes.InvalidEnum, "grpcStatus", $"{a.Path}.grpcStatus '{grpc}' is not a gRPC status name such as UNAVAILABLE");
                grpc = null;
            }

            if (http is null && grpc is null && !a.Has("httpStatus") && !a.Has("grpcStatus") && !a.Has("http2Error"))
            {
                a.Report(FindingCodes.MissingField, "httpStatus", $"{a.Path} needs httpStatus or grpcStatus");
            }

            var percentage = FaultPercentage(a);
            return a.Finish(http is null && grpc is null ? null : new FaultAbort(http, grpc, percentage, a.Span));
        }),
    })!;

    private static Percent FaultPercentage(YamlObject o)
    {
        // 'percent' is the deprecated integer form of 'percentage'.
        if (o.Int("percent", 0, 100) is { } legacy)
        {
            return new Percent(legacy);
        }

        return Percentage(o, "percentage") ?? Percent.Hundred;
    }

    internal static Percent? Percentage(YamlObject o, string key)
    {
        if (o.Object(key) is not { } p)
        {
            return null;
        }

        var value = p.Double("value") ?? 0;
        p.Finish<object>(null);
        if (value is < 0 or > 100)
        {
            p.Report(FindingCodes.PercentageOutOfRange, "value", $"{p.Path}.value is {value}; a percentage must be between 0 and 100");
            return null;
        }

        return new Percent(value);
    }

    private static CorsPolicy Cors(YamlObject o)
    {
        var origins = o.List("allowOrigins", StringMatch);
        o.Ignore("allowOrigin");
        return o.Finish(new CorsPolicy
        {
            Source = o.Span,
            AllowOrigins = origins,
            AllowMethods = o.Strings("allowMethods"),
            AllowHeaders = o.Strings("allowHeaders"),
            ExposeHeaders = o.Strings("exposeHeaders"),
            MaxAge = o.Duration("maxAge"),
            AllowCredentials = o.Bool("allowCredentials"),
        })!;
    }

    private static Headers Headers(YamlObject o) =>
        o.Finish(new Headers(o.Object("request", HeaderOperations), o.Object("response", HeaderOperations)))!;

    private static HeaderOperations HeaderOperations(YamlObject o) => o.Finish(new HeaderOperations
    {
        Set = o.StringMap("set"),
        Add = o.StringMap("add"),
        Remove = o.Strings("remove"),
    })!;
}
