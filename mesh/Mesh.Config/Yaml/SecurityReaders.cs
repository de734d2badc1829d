using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Security;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>Reads the <c>security.istio.io</c> kinds from YAML.</summary>
internal static partial class SecurityReaders
{
    public static PeerAuthentication PeerAuthentication(YamlObject spec, ResourceMeta meta)
    {
        var portLevel = new Dictionary<int, MutualTlsMode>();
        if (spec.Object("portLevelMtls") is { } ports)
        {
            foreach (var key in ports.Keys)
            {
                var mode = ports.Object(key) is { } m ? m.Finish(m.Enum<MutualTlsMode>("mode")) : null;
                if (!int.TryParse(key, out var port) || port is < 1 or > 65535)
                {
                    ports.Report(FindingCodes.InvalidValue, key, $"{ports.Path} key '{key}' must be a port number");
                }
                else if (mode is { } value)
                {
                    portLevel[port] = value;
                }
            }

            if (!ports.Keys.Any())
            {
                spec.Report(FindingCodes.InvalidValue, "portLevelMtls", "spec.portLevelMtls must have at least one port");
            }

            ports.Finish<object>(null);
        }

        var selector = Selector(spec, "selector");
        if (spec.Has("portLevelMtls") && selector is not { Labels.Count: > 0 })
        {
            spec.Report(FindingCodes.MissingField, "portLevelMtls", "spec.portLevelMtls requires a selector with matchLabels (a namespace- or mesh-wide policy has no ports)");
        }

        return spec.Finish(new PeerAuthentication
        {
            Metadata = meta,
            Source = spec.Span,
            Selector = selector,
            Mtls = spec.Object("mtls") is { } mtls ? mtls.Finish(mtls.Enum<MutualTlsMode>("mode") ?? MutualTlsMode.Unset) : null,
            PortLevelMtls = portLevel,
        })!;
    }

    public static AuthorizationPolicy AuthorizationPolicy(YamlObject spec, ResourceMeta meta)
    {
        var policy = new AuthorizationPolicy
        {
            Metadata = meta,
            Source = spec.Span,
            Selector = Selector(spec, "selector"),
            Action = spec.Enum<AuthorizationAction>("action") ?? AuthorizationAction.Allow,
            Rules = spec.List("rules", Rule),
        };
        TargetRefs(spec);

        if (policy.Action == AuthorizationAction.Custom)
        {
            spec.Report(FindingCodes.UnimplementedField, "action", "spec.action CUSTOM (external authorization) is not implemented; the policy is ignored");
        }

        return spec.Finish(policy)!;
    }

    public static RequestAuthentication RequestAuthentication(YamlObject spec, ResourceMeta meta)
    {
        var authentication = new RequestAuthentication
        {
            Metadata = meta,
            Source = spec.Span,
            Selector = Selector(spec, "selector"),
            JwtRules = spec.List("jwtRules", JwtRule),
        };
        TargetRefs(spec);
        return spec.Finish(authentication)!;
    }

    private static JwtRule JwtRule(YamlObject j)
    {
        var rule = new JwtRule
        {
            Source = j.Span,
            Issuer = j.String("issuer", IstioRules.NotEmpty, required: true) ?? "",
            Audiences = j.Strings("audiences", IstioRules.NotEmpty),
            Jwks = j.String("jwks"),
            JwksUri = j.String("jwksUri", IstioRules.Url) ?? j.String("jwks_uri", IstioRules.Url),
            FromHeaders = j.List("fromHeaders", h => h.Finish(new JwtHeader(h.String("name", IstioRules.NotEmpty, required: true) ?? "", h.String("prefix")))),
            FromParams = j.Strings("fromParams", IstioRules.NotEmpty),
            FromCookies = j.Strings("fromCookies", IstioRules.NotEmpty),
            SpaceDelimitedClaims = j.Strings("spaceDelimitedClaims", IstioRules.NotEmpty),
            OutputPayloadToHeader = j.String("outputPayloadToHeader"),
            ForwardOriginalToken = j.Bool("forwardOriginalToken") ?? false,
            OutputClaimToHeaders = j.List("outputClaimToHeaders", h => h.Finish(new ClaimToHeader(
                h.String("header", OutputHeaderName, required: true) ?? "", h.String("claim", IstioRules.NotEmpty, required: true) ?? ""))),
        };

        // Not implemented (the field table says so), and still checked as Istio's CRD checks them.
        j.Duration("timeout");
        j.Enum<JwtPresence>("presence");
        if (new[] { "jwks", "jwksUri", "jwks_uri" }.Count(j.Has) > 1)
        {
            j.Report(FindingCodes.InvalidValue, "jwks", $"{j.Path}: only one of jwks or jwksUri can be set");
        }

        return j.Finish(rule)!;
    }

    private static string? OutputHeaderName(string name) =>
        name.Length == 0 ? "a header name cannot be empty"
        : name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? null
        : $"'{name}' is not a header name the claim can be copied to (letters, digits, '-' and '_')";

    /// <summary>
    /// Policy attachment (targetRef/targetRefs) is not implemented, and still checked as Istio's CRDs check it: one
    /// of targetRef, targetRefs or selector; kind and name required; no reference into another namespace.
    /// </summary>
    internal static void TargetRefs(YamlObject spec)
    {
        var set = new[] { "selector", "targetRef", "targetRefs" }.Where(spec.Has).ToArray();
        if (set.Length > 1)
        {
            spec.Report(FindingCodes.InvalidValue, set[1], $"spec: only one of targetRefs or selector can be set, not {string.Join(" and ", set)}");
        }

        spec.Object("targetRef", TargetRef);
        spec.List("targetRefs", TargetRef);
    }

    private static object? TargetRef(YamlObject o)
    {
        o.String("group", g => g.Length == 0 || GroupName().IsMatch(g) ? null : $"'{g}' is not an API group");
        o.String("kind", k => KindName().IsMatch(k) ? null : $"'{k}' is not a kind", required: true);
        o.String("name", IstioRules.NotEmpty, required: true);
        o.String("namespace", n => n.Length == 0 ? null : "cross-namespace references are not supported");
        return o.Finish<object>(null);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial System.Text.RegularExpressions.Regex GroupName();

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex KindName();

    private enum JwtPresence
    {
        Optional,
        Required,
    }

    private static WorkloadSelector? Selector(YamlObject spec, string key) =>
        spec.Object(key) is { } selector ? selector.Finish(new WorkloadSelector(NetworkingReaders.SelectorLabels(selector, "matchLabels"))) : null;

    private static AuthorizationRule Rule(YamlObject o) => o.Finish(new AuthorizationRule
    {
        Source = o.Span,
        From = o.List("from", f => f.Object("source", Source)),
        To = o.List("to", t => t.Object("operation", op => op.Finish(new RuleOperation
        {
            Hosts = op.Strings("hosts", IstioRules.NotEmpty),
            NotHosts = op.Strings("notHosts", IstioRules.NotEmpty),
            Ports = op.Strings("ports", IstioRules.PortText),
            NotPorts = op.Strings("notPorts", IstioRules.PortText),
            Methods = op.Strings("methods", IstioRules.NotEmpty),
            NotMethods = op.Strings("notMethods", IstioRules.NotEmpty),
            Paths = op.Strings("paths", IstioRules.NotEmpty),
            NotPaths = op.Strings("notPaths", IstioRules.NotEmpty),
        }))),
        When = o.List("when", Condition),
    })!;

    private static RuleSource Source(YamlObject s)
    {
        var source = new RuleSource
        {
            Principals = s.Strings("principals", IstioRules.NotEmpty),
            NotPrincipals = s.Strings("notPrincipals", IstioRules.NotEmpty),
            RequestPrincipals = s.Strings("requestPrincipals", IstioRules.NotEmpty),
            NotRequestPrincipals = s.Strings("notRequestPrincipals", IstioRules.NotEmpty),
            Namespaces = s.Strings("namespaces", IstioRules.NotEmpty),
            NotNamespaces = s.Strings("notNamespaces", IstioRules.NotEmpty),
            IpBlocks = s.Strings("ipBlocks", IstioRules.IpOrCidr),
            NotIpBlocks = s.Strings("notIpBlocks", IstioRules.IpOrCidr),
            RemoteIpBlocks = s.Strings("remoteIpBlocks", IstioRules.IpOrCidr),
            NotRemoteIpBlocks = s.Strings("notRemoteIpBlocks", IstioRules.IpOrCidr),
            ServiceAccounts = ServiceAccounts(s, "serviceAccounts"),
            NotServiceAccounts = ServiceAccounts(s, "notServiceAccounts"),
            TrustDomains = s.Strings("trustDomains", IstioRules.NotEmpty),
            NotTrustDomains = s.Strings("notTrustDomains", IstioRules.NotEmpty),
        };

        if ((s.Has("serviceAccounts") || s.Has("notServiceAccounts")) && (s.Has("namespaces") || s.Has("notNamespaces") || s.Has("principals") || s.Has("notPrincipals")))
        {
            s.Report(FindingCodes.InvalidValue, s.Has("serviceAccounts") ? "serviceAccounts" : "notServiceAccounts",
                $"{s.Path}: serviceAccounts cannot be set together with namespaces or principals");
        }

        return s.Finish(source)!;
    }

    /// <summary>
    /// Istio's CheckServiceAccount: at most 16 values, each <c>name</c> or <c>namespace/name</c> without a wildcard; a bare
    /// name is the policy's namespace's, so each is kept as <c>namespace/name</c>.
    /// </summary>
    private static IReadOnlyList<string> ServiceAccounts(YamlObject s, string key)
    {
        var accounts = s.Strings(key, v =>
            v.Length == 0 ? "an empty value is not allowed"
            : v.Contains('*') ? $"'{v}': a wildcard is not allowed in a service account"
            : v.Count(c => c == '/') > 1 || v.StartsWith('/') || v.EndsWith('/') ? $"'{v}' is not 'serviceAccount' or 'namespace/serviceAccount'"
            : v.Length > 320 ? "a service account may have at most 320 characters"
            : null);
        if (accounts.Count > 16)
        {
            s.Report(FindingCodes.InvalidValue, key, $"{s.Path}.{key} may have at most 16 values, not {accounts.Count}");
        }

        return accounts.Select(a => a.Contains('/') ? a : $"{s.Context.Namespace}/{a}").ToArray();
    }

    /// <summary>A <c>when</c> condition: a key Istio knows, with values of the key's type (IPs, ports).</summary>
    private static RuleCondition Condition(YamlObject w)
    {
        var key = w.String("key", IstioRules.ConditionKey, required: true) ?? "";
        if (key.StartsWith("experimental.", StringComparison.Ordinal))
        {
            w.Report(FindingCodes.UnimplementedField, "key", $"{w.Path}.key '{key}' (Envoy filter metadata) is not implemented; the condition never holds");
        }

        Func<string, string?> rule = key switch
        {
            "source.ip" or "remote.ip" or "destination.ip" => IstioRules.IpOrCidr,
            "destination.port" => IstioRules.PortText,
            _ => IstioRules.NotEmpty,
        };
        return w.Finish(new RuleCondition(key, w.Strings("values", rule), w.Strings("notValues", rule), w.Span))!;
    }
}
