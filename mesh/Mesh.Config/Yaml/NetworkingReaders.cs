using System.Net;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>Reads the <c>networking.istio.io</c> kinds from YAML, field by field, with Istio's rules.</summary>
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

    public static DestinationRule DestinationRule(YamlObject spec, ResourceMeta meta) => spec.Finish(new DestinationRule
    {
        Metadata = meta,
        Source = spec.Span,
        Host = spec.String("host", required: true) ?? "",
        TrafficPolicy = spec.Object("trafficPolicy", TrafficPolicy),
        Subsets = spec.List("subsets", Subset),
        ExportTo = ExportToList(spec, serviceEntry: false),
        WorkloadSelector = spec.Object("workloadSelector", o => new WorkloadSelector(SelectorLabels(o, "matchLabels"))),
    })!;

    public static Gateway Gateway(YamlObject spec, ResourceMeta meta)
    {
        var gateway = new Gateway
        {
            Metadata = meta,
            Source = spec.Span,
            Selector = new WorkloadSelector(spec.StringMap("selector")),
            Servers = spec.List("servers", GatewayServer),
        };

        if (IsEmpty(spec, "servers"))
        {
            spec.Context.Report(FindingCodes.MissingField, spec.Span, "a Gateway must have at least one server");
        }

        // Istio: port names are unique across a Gateway's servers.
        foreach (var duplicate in gateway.Servers.Where(s => !string.IsNullOrEmpty(s.Port.Name)).GroupBy(s => s.Port.Name).Where(g => g.Count() > 1))
        {
            spec.Context.Report(FindingCodes.InvalidValue, duplicate.Skip(1).First().Port.Source,
                $"port names in a Gateway's servers must be unique: '{duplicate.Key}' is used {duplicate.Count()} times");
        }

        return spec.Finish(gateway)!;
    }

    public static ServiceEntry ServiceEntry(YamlObject spec, ResourceMeta meta)
    {
        var entry = new ServiceEntry
        {
            Metadata = meta,
            Source = spec.Span,
            Hosts = spec.Strings("hosts", h => h == "*" ? "a ServiceEntry host cannot be the wildcard '*'" : IPAddress.TryParse(h, out _) ? null : IstioRules.WildcardDomain(h)),
            Addresses = spec.Strings("addresses", IstioRules.IpOrCidr),
            Ports = spec.List("ports", ServicePort),
            Location = spec.Enum<ServiceEntryLocation>("location") ?? ServiceEntryLocation.MeshExternal,
            Resolution = spec.Enum<ServiceEntryResolution>("resolution") ?? ServiceEntryResolution.None,
            Endpoints = spec.List("endpoints", WorkloadEntry),
            WorkloadSelector = spec.Object("workloadSelector", o => new WorkloadSelector(SelectorLabels(o, "labels"))),
            ExportTo = ExportToList(spec, serviceEntry: true),
        };

        if (IsEmpty(spec, "hosts"))
        {
            spec.Context.Report(FindingCodes.MissingField, spec.Span, "spec.hosts is required: a ServiceEntry names at least one host");
        }

        // The rules Istio's CRD states for the whole spec (its x-kubernetes-validations).
        if (spec.Has("workloadSelector") && spec.Has("endpoints"))
        {
            spec.Report(FindingCodes.InvalidValue, "endpoints", "spec: only one of workloadSelector or endpoints can be set");
        }

        if (entry.Addresses.Any(a => a.Contains('/')) && entry.Resolution is not (ServiceEntryResolution.None or ServiceEntryResolution.Static))
        {
            spec.Report(FindingCodes.InvalidValue, "addresses", "spec.addresses: CIDR addresses are allowed only with resolution NONE or STATIC");
        }

        if (entry.Resolution == ServiceEntryResolution.None && spec.Has("endpoints"))
        {
            spec.Report(FindingCodes.InvalidValue, "endpoints", "spec.endpoints: resolution NONE (the default) cannot have endpoints; set resolution STATIC or DNS");
        }

        if (entry.Resolution == ServiceEntryResolution.DnsRoundRobin && entry.Endpoints.Count > 1)
        {
            spec.Report(FindingCodes.InvalidValue, "endpoints", "spec.endpoints: resolution DNS_ROUND_ROBIN cannot have more than one endpoint");
        }

        foreach (var duplicate in entry.Ports.GroupBy(p => p.Number).Where(g => g.Key > 0 && g.Count() > 1))
        {
            spec.Context.Report(FindingCodes.InvalidValue, duplicate.Skip(1).First().Source, $"spec.ports: port number {duplicate.Key} cannot be used twice");
        }

        foreach (var duplicate in entry.Ports.Where(p => !string.IsNullOrEmpty(p.Name)).GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            spec.Context.Report(FindingCodes.InvalidValue, duplicate.Skip(1).First().Source, $"spec.ports: port name '{duplicate.Key}' cannot be used twice");
        }

        return spec.Finish(entry)!;
    }

    public static WorkloadEntry WorkloadEntryResource(YamlObject spec, ResourceMeta meta) => new()
    {
        Metadata = meta,
        Source = spec.Span,
        Spec = WorkloadEntry(spec),
    };

    /// <summary>Workload-selector labels as Istio's CRDs allow them: no empty key, and no wildcard in a key or a value.</summary>
    internal static IReadOnlyDictionary<string, string> SelectorLabels(YamlObject o, string key)
    {
        var labels = o.StringMap(key);
        foreach (var (name, value) in labels)
        {
            var problem = name.Length == 0 ? "a label key must not be empty"
                : name.Contains('*') ? $"the wildcard in label key '{name}' is not supported in a selector"
                : value.Contains('*') ? $"the wildcard in label value '{name}: {value}' is not supported in a selector"
                : null;
            if (problem is not null)
            {
                o.Report(FindingCodes.InvalidValue, key, $"{o.Path}.{key}: {problem}");
            }
        }

        return labels;
    }

    public static Sidecar Sidecar(YamlObject spec, ResourceMeta meta) => spec.Finish(new Sidecar
    {
        Metadata = meta,
        Source = spec.Span,
        WorkloadSelector = spec.Object("workloadSelector", o => new WorkloadSelector(SelectorLabels(o, "labels"))),
        Egress = spec.List("egress", o => o.Finish(new SidecarEgress
        {
            Source = o.Span,
            Port = o.Object("port", ServicePort),
            Hosts = o.Strings("hosts", h => IstioRules.NamespaceSlashHost(h, gateway: false)),
        })),
        OutboundTrafficPolicy = spec.Object("outboundTrafficPolicy") is { } policy
            ? policy.Finish(policy.Enum<OutboundTrafficPolicyMode>("mode"))
            : null,
    })!;

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

    private static Subset Subset(YamlObject o) => o.Finish(new Subset
    {
        Source = o.Span,
        Name = o.String("name", IstioRules.SubsetName, required: true) ?? "",
        Labels = o.StringMap("labels"),
        TrafficPolicy = o.Object("trafficPolicy", TrafficPolicy),
    })!;

    private static TrafficPolicy TrafficPolicy(YamlObject o) => o.Finish(new TrafficPolicy
    {
        Source = o.Span,
        LoadBalancer = o.Object("loadBalancer", LoadBalancer),
        ConnectionPool = o.Object("connectionPool", ConnectionPool),
        OutlierDetection = o.Object("outlierDetection", Outlier),
        Tls = o.Object("tls", ClientTls),
        PortLevelSettings = o.List("portLevelSettings", p => p.Finish(new PortTrafficPolicy
        {
            Source = p.Span,
            Port = p.PortNumber("port") ?? MissingPort(p, "port"),
            LoadBalancer = p.Object("loadBalancer", LoadBalancer),
            ConnectionPool = p.Object("connectionPool", ConnectionPool),
            OutlierDetection = p.Object("outlierDetection", Outlier),
            Tls = p.Object("tls", ClientTls),
        })),
        RetryBudget = o.Object("retryBudget", r => r.Finish(new RetryBudget
        {
            Source = r.Span,
            Percent = Percentage(r, "percent"),
            MinRetryConcurrency = r.Int("minRetryConcurrency", 0),
        })),
    })!;

    private static LoadBalancerSettings LoadBalancer(YamlObject o)
    {
        var settings = new LoadBalancerSettings
        {
            Source = o.Span,
            Simple = o.Enum<SimpleLoadBalancer>("simple"),
            ConsistentHash = o.Object("consistentHash", h => h.Finish(new ConsistentHash
            {
                Source = h.Span,
                HttpHeaderName = h.String("httpHeaderName"),
                HttpCookie = h.Object("httpCookie", c => c.Finish(new HttpCookie(c.String("name", required: true) ?? "", c.String("path"), c.Duration("ttl", TimeSpan.Zero)))),
                HttpQueryParameterName = h.String("httpQueryParameterName"),
                UseSourceIp = h.Bool("useSourceIp") ?? false,
            })),
        };

        if (settings.Simple == SimpleLoadBalancer.Passthrough)
        {
            o.Report(FindingCodes.UnimplementedField, "simple",
                $"{o.Path}.simple PASSTHROUGH (forward to the address the caller dialled) is not implemented; the proxy balances with LEAST_REQUEST");
        }

        // warmup is not implemented (the field table says so); its values are still checked as Istio checks them.
        o.Object("warmup", w =>
        {
            w.Duration("duration");
            if (!w.Has("duration"))
            {
                w.Report(FindingCodes.MissingField, "duration", $"{w.Path}.duration is required");
            }

            if (w.Double("minimumPercent") is { } minimum and (< 0 or > 100))
            {
                w.Report(FindingCodes.PercentageOutOfRange, "minimumPercent", $"{w.Path}.minimumPercent is {minimum}; it must be between 0 and 100");
            }

            if (w.Double("aggression") is < 0 and var aggression)
            {
                w.Report(FindingCodes.InvalidValue, "aggression", $"{w.Path}.aggression is {aggression}; it cannot be negative");
            }

            return w.Finish<object>(null);
        });

        if (settings.Simple is not null && settings.ConsistentHash is not null)
        {
            o.Report(FindingCodes.InvalidValue, "consistentHash", $"{o.Path} sets both simple and consistentHash; choose one");
        }

        return o.Finish(settings)!;
    }

    private static ConnectionPoolSettings ConnectionPool(YamlObject o) => o.Finish(new ConnectionPoolSettings
    {
        Source = o.Span,
        Tcp = o.Object("tcp", t => t.Finish(new TcpSettings
        {
            MaxConnections = t.Int("maxConnections", 1),
            ConnectTimeout = t.Duration("connectTimeout"),
            MaxConnectionDuration = t.Duration("maxConnectionDuration"),
            IdleTimeout = t.Duration("idleTimeout"),
        })),
        Http = o.Object("http", h => h.Finish(new HttpSettings
        {
            Http1MaxPendingRequests = h.Int("http1MaxPendingRequests", 0),
            Http2MaxRequests = h.Int("http2MaxRequests", 1),
            MaxRequestsPerConnection = h.Int("maxRequestsPerConnection", 0),
            MaxRetries = h.Int("maxRetries", 0),
            IdleTimeout = h.Duration("idleTimeout"),
            H2UpgradePolicy = h.Enum<H2UpgradePolicy>("h2UpgradePolicy"),
            MaxConcurrentStreams = h.Int("maxConcurrentStreams", 1),
        })),
    })!;

    private static OutlierDetection Outlier(YamlObject o)
    {
        // 'consecutiveErrors' is deprecated; Istio maps it to consecutive gateway errors (502, 503, 504).
        var legacy = o.Int("consecutiveErrors", 0);
        return o.Finish(new OutlierDetection
        {
            Source = o.Span,
            Consecutive5xxErrors = o.Int("consecutive5xxErrors", 0),
            ConsecutiveGatewayErrors = o.Int("consecutiveGatewayErrors", 0) ?? legacy,
            Interval = o.Duration("interval"),
            BaseEjectionTime = o.Duration("baseEjectionTime"),
            MaxEjectionPercent = o.Int("maxEjectionPercent", 0, 100),
            MinHealthPercent = o.Int("minHealthPercent", 0, 100),
        })!;
    }

    private static ClientTlsSettings ClientTls(YamlObject o) => o.Finish(new ClientTlsSettings
    {
        Source = o.Span,
        Mode = o.Enum<ClientTlsMode>("mode") ?? ClientTlsMode.Disable,
        ClientCertificate = o.String("clientCertificate"),
        PrivateKey = o.String("privateKey"),
        CaCertificates = o.String("caCertificates"),
        CredentialName = o.String("credentialName"),
        SubjectAltNames = o.Strings("subjectAltNames"),
        Sni = o.String("sni"),
        InsecureSkipVerify = o.Bool("insecureSkipVerify"),
    })!;

    private static GatewayServer? GatewayServer(YamlObject o)
    {
        if (o.Object("port", ServicePort) is not { } port)
        {
            return Missing<GatewayServer>(o, "port");
        }

        var server = ReadGatewayServer(o, port);
        if (IsEmpty(o, "hosts"))
        {
            o.Report(FindingCodes.MissingField, "hosts", $"{o.Path}: a server must have at least one host");
        }

        if (string.IsNullOrEmpty(port.Name))
        {
            o.Context.Report(FindingCodes.MissingField, port.Source, $"{o.Path}.port.name must be set");
        }

        // Istio's validateServer: HTTPS and TLS need TLS settings; a plain HTTP port may carry only a redirect or
        // passthrough, and other protocols none.
        var protocol = port.Protocol?.ToUpperInvariant();
        var isTls = protocol is "HTTPS" or "TLS";
        var isHttp = protocol is "HTTP" or "HTTP2" or "GRPC" or "GRPC-WEB" or "HTTP_PROXY";
        if (isTls && server.Tls is null && !o.Has("tls"))
        {
            o.Report(FindingCodes.MissingField, "port", $"{o.Path}: a server must have TLS settings for the {port.Protocol} protocol");
        }
        else if (!isTls && protocol is not null && server.Tls is { } tls)
        {
            var passthrough = tls.Mode is null or ServerTlsMode.Passthrough or ServerTlsMode.AutoPassthrough &&
                tls.CaCertificates is null && tls.PrivateKey is null && tls.ServerCertificate is null;
            if (!isHttp || !passthrough)
            {
                o.Report(FindingCodes.InvalidValue, "tls", isHttp
                    ? $"{o.Path}: a plain-text HTTP server cannot have TLS settings (only httpsRedirect)"
                    : $"{o.Path}: a server cannot have TLS settings for a port that is not HTTPS or TLS");
            }
        }

        return o.Finish(server);
    }

    private static GatewayServer ReadGatewayServer(YamlObject o, ServicePort port) => new GatewayServer
    {
        Source = o.Span,
        Port = port,
        Hosts = o.Strings("hosts", h => IstioRules.NamespaceSlashHost(h, gateway: true)),
        Tls = o.Object("tls", t => t.Finish(new ServerTlsSettings
        {
            Source = t.Span,
            HttpsRedirect = t.Bool("httpsRedirect") ?? false,
            Mode = t.Enum<ServerTlsMode>("mode"),
            ServerCertificate = t.String("serverCertificate"),
            PrivateKey = t.String("privateKey"),
            CaCertificates = t.String("caCertificates"),
            CredentialName = CredentialName(t),
            SubjectAltNames = t.Strings("subjectAltNames"),
            MinProtocolVersion = t.String("minProtocolVersion"),
            MaxProtocolVersion = t.String("maxProtocolVersion"),
        })),
        Name = o.String("name"),
    };

    /// <summary>
    /// Istio's exportTo rules: <c>.</c>, <c>*</c> or namespace names, no duplicates, <c>*</c> alone; <c>~</c> (none)
    /// only for a ServiceEntry, and alone.
    /// </summary>
    private static IReadOnlyList<string> ExportToList(YamlObject spec, bool serviceEntry)
    {
        var entries = spec.Strings("exportTo");
        string? problem = null;
        foreach (var entry in entries)
        {
            problem ??= entry switch
            {
                Model.ExportTo.Everywhere or Model.ExportTo.OwnNamespace => null,
                Model.ExportTo.Nowhere when serviceEntry => entries.Count > 1 ? "'~' (no namespace) cannot be combined with other entries" : null,
                Model.ExportTo.Nowhere => "'~' (no namespace) is only allowed for a ServiceEntry",
                _ when NamespaceName().IsMatch(entry) => null,
                _ => $"'{entry}' is not '.', '*' or a namespace name",
            };
        }

        if (problem is null && entries.Contains(Model.ExportTo.Everywhere) && entries.Count > 1)
        {
            problem = "'*' (every namespace) cannot be combined with other entries";
        }

        if (problem is null && entries.Select(e => e == Model.ExportTo.OwnNamespace ? spec.Context.Namespace : e).GroupBy(e => e).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            problem = $"'{duplicate.Key}' is listed twice";
        }

        if (problem is not null)
        {
            spec.Report(FindingCodes.InvalidValue, "exportTo", $"{spec.Path}.exportTo: {problem}");
            return [Model.ExportTo.OwnNamespace];
        }

        return entries;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex NamespaceName();

    /// <summary>
    /// A secret's name, looked up in the gateway's credentials folder: a name, never a path. Istio does not check the
    /// name's form (a secret that does not exist fails at the gateway, as here), so only what could leave the folder is
    /// refused: separators, a leading dot, control characters.
    /// </summary>
    private static string? CredentialName(YamlObject o)
    {
        var name = o.String("credentialName");
        if (name is not null && (name.Length > 253 || !SecretName().IsMatch(name)))
        {
            o.Report(FindingCodes.InvalidValue, "credentialName",
                $"{o.Path}.credentialName '{name}' must be a secret's name (no '/', '\\', leading '.' or control characters); it is looked up in the credentials folder and is never a path");
            return null;
        }

        return name;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[^./\\\\\\p{C}][^/\\\\\\p{C}]*$")]
    private static partial System.Text.RegularExpressions.Regex SecretName();

    internal static ServicePort ServicePort(YamlObject o) => o.Finish(new ServicePort
    {
        Source = o.Span,
        Number = o.Int("number", 1, 65535) ?? (o.Has("number") ? 0 : MissingPort(o, "number")),
        Name = o.String("name"),
        Protocol = o.String("protocol", Protocol),
        TargetPort = o.Int("targetPort", 1, 65535),
    })!;

    /// <summary>Istio's protocol.Parse, which ignores case.</summary>
    private static string? Protocol(string protocol) =>
        protocol.ToUpperInvariant() is "HTTP" or "HTTPS" or "HTTP2" or "HTTP_PROXY" or "GRPC" or "GRPC-WEB" or "TCP" or "TLS" or "UDP" or "MONGO" or "REDIS" or "MYSQL"
            ? null
            : $"'{protocol}' is not a protocol; use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL or UDP";

    internal static WorkloadEntrySpec WorkloadEntry(YamlObject o)
    {
        var ports = new Dictionary<string, int>();
        if (o.Object("ports") is { } portsObject)
        {
            // Ports map a port name to a number; read them through the generic reader for types and ranges.
            foreach (var name in PortNames(portsObject))
            {
                if (portsObject.Int(name, 1, 65535) is { } number)
                {
                    ports[name] = number;
                }
            }

            portsObject.Finish<object>(null);
        }

        var address = o.String("address", EndpointAddress);
        if (address is null && !o.Has("address") && !o.Has("network"))
        {
            o.Context.Report(FindingCodes.MissingField, o.Span, $"{o.Path}.address is required");
        }

        if (address is not null && address.StartsWith("unix://", StringComparison.Ordinal) && ports.Count > 0)
        {
            o.Report(FindingCodes.InvalidValue, "ports", $"{o.Path}.ports: a Unix domain socket address may not have ports");
        }

        foreach (var name in ports.Keys.Where(n => !PortName().IsMatch(n)))
        {
            o.Report(FindingCodes.InvalidValue, "ports", $"{o.Path}.ports: '{name}' is not a port name (a DNS label: letters, digits and '-', under 63 characters)");
        }

        return o.Finish(new WorkloadEntrySpec
        {
            Source = o.Span,
            Address = address ?? "",
            Ports = ports,
            Labels = o.StringMap("labels"),
            ServiceAccount = o.String("serviceAccount"),
            Weight = o.Int("weight", 0),
        })!;
    }

    private static IEnumerable<string> PortNames(YamlObject o) => o.Keys;

    /// <summary>Istio's rules for a Unix domain socket address (<c>unix:///path</c> or <c>unix://@abstract</c>).</summary>
    private static string? EndpointAddress(string address)
    {
        if (!address.StartsWith("unix://", StringComparison.Ordinal))
        {
            return address.Length == 0 ? "an address cannot be empty" : null;
        }

        var path = address["unix://".Length..];
        return path.StartsWith('@') ? (path.Length > 1 ? null : "an abstract socket needs a name")
            : !path.StartsWith('/') ? $"'{address}': a Unix domain socket must be an absolute path or an abstract socket"
            : path.EndsWith('/') ? $"'{address}': a Unix domain socket may not be a directory"
            : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9]([-a-zA-Z0-9]{0,60}[a-zA-Z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex PortName();

    /// <summary>Whether a list is absent or empty (what Istio's <c>len(x) == 0</c> refuses).</summary>
    private static bool IsEmpty(YamlObject o, string key) => o.Node(key) is null or YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: 0 };

    private static T? Missing<T>(YamlObject o, string key) where T : class
    {
        o.Report(FindingCodes.MissingField, key, $"{o.Path}.{key} is required");
        return null;
    }

    private static int MissingPort(YamlObject o, string key)
    {
        o.Report(FindingCodes.MissingField, key, $"{o.Path}.{key} is required");
        return 0;
    }
}
