using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Security;

namespace Mesh.Config.Yaml;

/// <summary>Reads the <c>security.istio.io</c> kinds from YAML.</summary>
internal static class SecurityReaders
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

            ports.Finish<object>(null);
        }

        return spec.Finish(new PeerAuthentication
        {
            Metadata = meta,
            Source = spec.Span,
            Selector = Selector(spec, "selector"),
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

        if (policy.Action == AuthorizationAction.Custom)
        {
            spec.Report(FindingCodes.UnimplementedField, "action", "spec.action CUSTOM (external authorization) is not implemented; the policy is ignored");
        }

        return spec.Finish(policy)!;
    }

    public static RequestAuthentication RequestAuthentication(YamlObject spec, ResourceMeta meta) => spec.Finish(new RequestAuthentication
    {
        Metadata = meta,
        Source = spec.Span,
        Selector = Selector(spec, "selector"),
        JwtRules = spec.List("jwtRules", j => j.Finish(new JwtRule
        {
            Source = j.Span,
            Issuer = j.String("issuer", required: true) ?? "",
            Audiences = j.Strings("audiences"),
            Jwks = j.String("jwks"),
            JwksUri = j.String("jwksUri"),
            FromHeaders = j.List("fromHeaders", h => h.Finish(new JwtHeader(h.String("name", required: true) ?? "", h.String("prefix")))),
            FromParams = j.Strings("fromParams"),
            OutputPayloadToHeader = j.String("outputPayloadToHeader"),
            ForwardOriginalToken = j.Bool("forwardOriginalToken") ?? false,
            OutputClaimToHeaders = j.List("outputClaimToHeaders", h => h.Finish(new ClaimToHeader(h.String("header", required: true) ?? "", h.String("claim", required: true) ?? ""))),
        })),
    })!;

    private static WorkloadSelector? Selector(YamlObject spec, string key) =>
        spec.Object(key) is { } selector ? selector.Finish(new WorkloadSelector(selector.StringMap("matchLabels"))) : null;

    private static AuthorizationRule Rule(YamlObject o) => o.Finish(new AuthorizationRule
    {
        Source = o.Span,
        From = o.List("from", f => f.Object("source", s => s.Finish(new RuleSource
        {
            Principals = s.Strings("principals"),
            NotPrincipals = s.Strings("notPrincipals"),
            RequestPrincipals = s.Strings("requestPrincipals"),
            NotRequestPrincipals = s.Strings("notRequestPrincipals"),
            Namespaces = s.Strings("namespaces"),
            NotNamespaces = s.Strings("notNamespaces"),
            IpBlocks = s.Strings("ipBlocks"),
            NotIpBlocks = s.Strings("notIpBlocks"),
        }))),
        To = o.List("to", t => t.Object("operation", op => op.Finish(new RuleOperation
        {
            Hosts = op.Strings("hosts"),
            NotHosts = op.Strings("notHosts"),
            Ports = op.Strings("ports"),
            NotPorts = op.Strings("notPorts"),
            Methods = op.Strings("methods"),
            NotMethods = op.Strings("notMethods"),
            Paths = op.Strings("paths"),
            NotPaths = op.Strings("notPaths"),
        }))),
        When = o.List("when", w => w.Finish(new RuleCondition(
            w.String("key", required: true) ?? "", w.Strings("values"), w.Strings("notValues"), w.Span))),
    })!;
}
