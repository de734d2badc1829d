using Mesh.Config.Source;

namespace Mesh.Config.Model.Security;

// The types in this file mirror istio.io/api security/v1 authorization_policy.proto.

/// <summary>Istio AuthorizationPolicy: allow, deny or audit requests to selected workloads.</summary>
public sealed record AuthorizationPolicy : MeshResource
{
    public override string Kind => "AuthorizationPolicy";

    public WorkloadSelector? Selector { get; init; }

    public AuthorizationAction Action { get; init; } = AuthorizationAction.Allow;

    /// <summary>Rules, OR-ed. An ALLOW policy with no rules matches nothing; one empty rule matches everything.</summary>
    public IReadOnlyList<AuthorizationRule> Rules { get; init; } = [];
}

/// <summary>What a matching policy does.</summary>
public enum AuthorizationAction
{
    Allow,
    Deny,
    Audit,
    Custom,
}

/// <summary>A rule: every set part (<c>from</c>, <c>to</c>, <c>when</c>) must match.</summary>
public sealed record AuthorizationRule
{
    public required SourceSpan Source { get; init; }

    public IReadOnlyList<RuleSource> From { get; init; } = [];

    public IReadOnlyList<RuleOperation> To { get; init; } = [];

    public IReadOnlyList<RuleCondition> When { get; init; } = [];
}

/// <summary>Who is calling.</summary>
public sealed record RuleSource
{
    public IReadOnlyList<string> Principals { get; init; } = [];

    public IReadOnlyList<string> NotPrincipals { get; init; } = [];

    public IReadOnlyList<string> RequestPrincipals { get; init; } = [];

    public IReadOnlyList<string> NotRequestPrincipals { get; init; } = [];

    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public IReadOnlyList<string> NotNamespaces { get; init; } = [];

    public IReadOnlyList<string> IpBlocks { get; init; } = [];

    public IReadOnlyList<string> NotIpBlocks { get; init; } = [];

    /// <summary>Blocks for the original client's address (Istio's <c>remote.ip</c>).</summary>
    public IReadOnlyList<string> RemoteIpBlocks { get; init; } = [];

    public IReadOnlyList<string> NotRemoteIpBlocks { get; init; } = [];

    /// <summary>The peer's service account as <c>namespace/name</c> (a bare name is read in the policy's namespace).</summary>
    public IReadOnlyList<string> ServiceAccounts { get; init; } = [];

    public IReadOnlyList<string> NotServiceAccounts { get; init; } = [];

    /// <summary>The trust domain of the peer's identity (<c>cluster.local</c>).</summary>
    public IReadOnlyList<string> TrustDomains { get; init; } = [];

    public IReadOnlyList<string> NotTrustDomains { get; init; } = [];
}

/// <summary>What is being called.</summary>
public sealed record RuleOperation
{
    public IReadOnlyList<string> Hosts { get; init; } = [];

    public IReadOnlyList<string> NotHosts { get; init; } = [];

    public IReadOnlyList<string> Ports { get; init; } = [];

    public IReadOnlyList<string> NotPorts { get; init; } = [];

    public IReadOnlyList<string> Methods { get; init; } = [];

    public IReadOnlyList<string> NotMethods { get; init; } = [];

    public IReadOnlyList<string> Paths { get; init; } = [];

    public IReadOnlyList<string> NotPaths { get; init; } = [];
}

/// <summary>An extra condition, e.g. <c>request.headers[x-token]</c> in values.</summary>
public sealed record RuleCondition(string Key, IReadOnlyList<string> Values, IReadOnlyList<string> NotValues, SourceSpan Source);
