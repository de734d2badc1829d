using Mesh.Config.Model.Security;
using Mesh.Config.Registry;

namespace Mesh.DataPlane.Security;

/// <summary>
/// Istio's AuthorizationPolicy for one workload. The policies that apply are the mesh-wide ones (root namespace), the
/// workload namespace's ones without a selector, and those whose selector matches the workload. DENY policies are
/// evaluated first and any match denies; then, if any ALLOW policy applies, the request must match one; with no
/// ALLOW policy it is allowed. AUDIT matches are reported but never change the decision. CUSTOM is not implemented.
/// </summary>
/// <remarks>
/// A policy matches when any of its rules does. A rule matches when one of its <c>from</c> sources and one of its
/// <c>to</c> operations match (an absent list matches anything) and every <c>when</c> condition holds. A policy with
/// no rules matches nothing, so an ALLOW policy without rules denies everything; <c>rules: [{}]</c> matches all.
/// </remarks>
public sealed class AuthorizationEngine
{
    private readonly AuthorizationPolicy[] _deny;
    private readonly AuthorizationPolicy[] _allow;
    private readonly AuthorizationPolicy[] _audit;

    private AuthorizationEngine(AuthorizationPolicy[] applicable)
    {
        _deny = applicable.Where(p => p.Action == AuthorizationAction.Deny).ToArray();
        _allow = applicable.Where(p => p.Action == AuthorizationAction.Allow).ToArray();
        _audit = applicable.Where(p => p.Action == AuthorizationAction.Audit).ToArray();
    }

    public static AuthorizationEngine Empty { get; } = new([]);

    public bool IsEmpty => _deny.Length == 0 && _allow.Length == 0 && _audit.Length == 0;

    public static AuthorizationEngine Build(IEnumerable<AuthorizationPolicy> policies, Workload workload, string rootNamespace = "istio-system")
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(workload);
        return new AuthorizationEngine(policies.Where(p => p.Action != AuthorizationAction.Custom && Applies(p.Namespace, p.Selector, workload, rootNamespace))
            .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToArray());
    }

    /// <summary>Istio's scoping of security policies: mesh-wide in the root namespace, else the workload's namespace, narrowed by a selector.</summary>
    internal static bool Applies(string ns, Config.Model.WorkloadSelector? selector, Workload workload, string rootNamespace)
    {
        var selects = selector is null or { Labels.Count: 0 } || selector.Matches(workload.Labels);
        return (ns == rootNamespace || ns == workload.Namespace) && selects;
    }

    public AuthorizationDecision Evaluate(AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var audited = _audit.Any(p => Match(p, request) is not null);
        foreach (var policy in _deny)
        {
            if (Match(policy, request) is { } rule)
            {
                return new AuthorizationDecision(false, Key(policy), AuthorizationAction.Deny, audited, $"denied by DENY policy {Key(policy)} rule {rule}");
            }
        }

        if (_allow.Length == 0)
        {
            return new AuthorizationDecision(true, null, null, audited, "no ALLOW policy applies");
        }

        foreach (var policy in _allow)
        {
            if (Match(policy, request) is { } rule)
            {
                return new AuthorizationDecision(true, Key(policy), AuthorizationAction.Allow, audited, $"allowed by ALLOW policy {Key(policy)} rule {rule}");
            }
        }

        return new AuthorizationDecision(false, null, AuthorizationAction.Allow, audited,
            $"no ALLOW policy matched ({string.Join(", ", _allow.Select(Key))})");
    }

    /// <summary>The index of the first matching rule, or null.</summary>
    private static int? Match(AuthorizationPolicy policy, AuthorizationRequest request)
    {
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            if ((rule.From.Count == 0 || rule.From.Any(s => Matches(s, request))) &&
                (rule.To.Count == 0 || rule.To.Any(o => Matches(o, request))) &&
                rule.When.All(c => Conditions.Holds(c, request)))
            {
                return i;
            }
        }

        return null;
    }

    private static bool Matches(RuleSource source, AuthorizationRequest request) =>
        Field(source.Principals, source.NotPrincipals, request.SourcePrincipal) &&
        Field(source.RequestPrincipals, source.NotRequestPrincipals, request.RequestPrincipal) &&
        Field(source.Namespaces, source.NotNamespaces, request.SourceNamespace) &&
        Blocks(source.IpBlocks, source.NotIpBlocks, request.SourceIp) &&
        Blocks(source.RemoteIpBlocks, source.NotRemoteIpBlocks, request.RemoteIp) &&
        Exact(source.ServiceAccounts, source.NotServiceAccounts, request.SourceServiceAccount) &&
        Field(source.TrustDomains, source.NotTrustDomains, request.SourceTrustDomain);

    private static bool Blocks(IReadOnlyList<string> blocks, IReadOnlyList<string> notBlocks, string? address) =>
        (blocks.Count == 0 || blocks.Any(b => ValuePatterns.InBlock(b, address))) && !notBlocks.Any(b => ValuePatterns.InBlock(b, address));

    /// <summary>Service accounts match exactly (Istio allows no wildcard in them); a peer without one matches no value.</summary>
    private static bool Exact(IReadOnlyList<string> values, IReadOnlyList<string> notValues, string? actual) =>
        (values.Count == 0 || (actual is not null && values.Contains(actual))) && (actual is null || !notValues.Contains(actual));

    private static bool Matches(RuleOperation operation, AuthorizationRequest request)
    {
        var host = StripPort(request.Host);
        var port = request.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Field(operation.Hosts, operation.NotHosts, host, ignoreCase: true, also: request.Host) &&
            Field(operation.Ports, operation.NotPorts, port) &&
            Field(operation.Methods, operation.NotMethods, request.Method) &&
            Field(operation.Paths, operation.NotPaths, request.Path);
    }

    /// <summary>A positive list (when set) must match and no entry of the negative list may.</summary>
    private static bool Field(IReadOnlyList<string> values, IReadOnlyList<string> notValues, string? actual, bool ignoreCase = false, string? also = null) =>
        (values.Count == 0 || ValuePatterns.Any(values, actual, ignoreCase) || (also is not null && ValuePatterns.Any(values, also, ignoreCase))) &&
        !ValuePatterns.Any(notValues, actual, ignoreCase) && (also is null || !ValuePatterns.Any(notValues, also, ignoreCase));

    private static string StripPort(string authority)
    {
        var colon = authority.LastIndexOf(':');
        return colon > 0 && !authority.EndsWith(']') ? authority[..colon] : authority;
    }

    private static string Key(AuthorizationPolicy policy) => $"{policy.Namespace}/{policy.Name}";
}
