using Mesh.Config;
using Mesh.Config.Registry;
using Mesh.DataPlane.Security;

namespace Mesh.DataPlane.Tests.Security;

/// <summary>Istio's AuthorizationPolicy semantics, from YAML as Istio's docs write it.</summary>
public class AuthorizationEngineTests
{
    private static readonly Workload Ratings = Mesh.Workload("ratings-v1", "ratings", "v1");

    private const string Reviews = "cluster.local/ns/default/sa/bookinfo-reviews";
    private const string ProductPage = "cluster.local/ns/default/sa/bookinfo-productpage";

    private static AuthorizationEngine Engine(string yaml, Workload? workload = null)
    {
        var loaded = ConfigLoader.LoadText(yaml, "policy.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Findings));
        return AuthorizationEngine.Build(new ConfigSet(loaded.Resources).AuthorizationPolicies, workload ?? Ratings);
    }

    private static AuthorizationRequest Request(string? principal, string method = "GET", string path = "/ratings/0", int port = 9080,
        string? requestPrincipal = null, Dictionary<string, string>? headers = null, string host = "ratings:9080") => new()
    {
        SourcePrincipal = principal,
        SourceIp = "127.0.0.1",
        RequestPrincipal = requestPrincipal,
        Host = host,
        Method = method,
        Path = path,
        Port = port,
        Header = name => headers?.GetValueOrDefault(name),
    };

    private const string OnlyReviewsMayGet = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ratings-viewer}
        spec:
          selector: {matchLabels: {app: ratings}}
          action: ALLOW
          rules:
          - from: [{source: {principals: ["cluster.local/ns/default/sa/bookinfo-reviews"]}}]
            to: [{operation: {methods: ["GET"]}}]
        """;

    [Fact]
    public void Allow_OnlyTheNamedPrincipalWithTheNamedMethod()
    {
        var engine = Engine(OnlyReviewsMayGet);

        Assert.True(engine.Evaluate(Request(Reviews)).Allowed);
        Assert.False(engine.Evaluate(Request(Reviews, method: "POST")).Allowed);
        Assert.False(engine.Evaluate(Request(ProductPage)).Allowed);
        Assert.False(engine.Evaluate(Request(null)).Allowed);
    }

    [Fact]
    public void NoAllowPolicy_AllowsEverything()
    {
        var engine = Engine(OnlyReviewsMayGet.Replace("app: ratings", "app: details", StringComparison.Ordinal));

        Assert.True(engine.IsEmpty);
        Assert.True(engine.Evaluate(Request(null)).Allowed);
    }

    [Fact]
    public void Deny_BeatsAllow()
    {
        var engine = Engine(OnlyReviewsMayGet + """

            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: no-admin}
            spec:
              action: DENY
              rules:
              - to: [{operation: {paths: ["/admin*"]}}]
            """);

        var decision = engine.Evaluate(Request(Reviews, path: "/admin/reset"));

        Assert.False(decision.Allowed);
        Assert.Equal("default/no-admin", decision.Policy);
        Assert.True(engine.Evaluate(Request(Reviews)).Allowed);
    }

    [Fact]
    public void EmptyAllowPolicy_DeniesAll_AndAnEmptyRuleAllowsAll()
    {
        var denyAll = Engine("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny-all}\nspec: {}\n");
        var allowAll = Engine("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-all}\nspec:\n  rules:\n  - {}\n");

        Assert.False(denyAll.Evaluate(Request(Reviews)).Allowed);
        Assert.True(allowAll.Evaluate(Request(null)).Allowed);
    }

    [Fact]
    public void Audit_IsReported_ButNeverChangesTheDecision()
    {
        var engine = Engine("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: audit}\nspec:\n  action: AUDIT\n  rules:\n  - to: [{operation: {methods: [DELETE]}}]\n");

        var decision = engine.Evaluate(Request(null, method: "DELETE"));

        Assert.True(decision.Allowed);
        Assert.True(decision.Audited);
    }

    [Fact]
    public void Scope_RootNamespaceAppliesEverywhere_OtherNamespacesDoNot()
    {
        var yaml = """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: mesh-deny-delete, namespace: istio-system}
            spec:
              action: DENY
              rules: [{to: [{operation: {methods: [DELETE]}}]}]
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: other-namespace, namespace: shop}
            spec:
              action: DENY
              rules: [{to: [{operation: {methods: [GET]}}]}]
            """;

        var engine = Engine(yaml);

        Assert.False(engine.Evaluate(Request(null, method: "DELETE")).Allowed);
        Assert.True(engine.Evaluate(Request(null)).Allowed);
    }

    [Theory]
    [InlineData("paths: [\"/ratings/*\"]", "/ratings/7", true)]
    [InlineData("paths: [\"*/7\"]", "/ratings/7", true)]
    [InlineData("paths: [\"/ratings/0\"]", "/ratings/7", false)]
    [InlineData("notPaths: [\"/ratings/7\"]", "/ratings/7", false)]
    [InlineData("ports: [\"9080\"]", "/x", true)]
    [InlineData("ports: [\"9090\"]", "/x", false)]
    [InlineData("hosts: [\"RATINGS\"]", "/x", true)]
    [InlineData("hosts: [\"*.example.com\"]", "/x", false)]
    [InlineData("methods: [\"*\"]", "/x", true)]
    public void Operations_MatchExactPrefixSuffixAndPresence(string operation, string path, bool allowed)
    {
        var engine = Engine($"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: op}}\nspec:\n  rules:\n  - to: [{{operation: {{{operation}}}}}]\n");

        Assert.Equal(allowed, engine.Evaluate(Request(Reviews, path: path)).Allowed);
    }

    [Theory]
    [InlineData("principals: [\"*\"]", null, false)]
    [InlineData("principals: [\"*\"]", Reviews, true)]
    [InlineData("notPrincipals: [\"cluster.local/ns/default/sa/bookinfo-reviews\"]", Reviews, false)]
    [InlineData("notPrincipals: [\"cluster.local/ns/default/sa/bookinfo-reviews\"]", null, true)]
    [InlineData("namespaces: [\"default\"]", ProductPage, true)]
    [InlineData("namespaces: [\"default\"]", null, false)]
    [InlineData("notNamespaces: [\"default\"]", ProductPage, false)]
    [InlineData("ipBlocks: [\"127.0.0.0/8\"]", null, true)]
    [InlineData("notIpBlocks: [\"127.0.0.1\"]", null, false)]
    public void Sources_PrincipalsNamespacesAndAddresses(string source, string? principal, bool allowed)
    {
        var engine = Engine($"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: src}}\nspec:\n  rules:\n  - from: [{{source: {{{source}}}}}]\n");

        Assert.Equal(allowed, engine.Evaluate(Request(principal)).Allowed);
    }

    [Fact]
    public void RequestPrincipals_NeedAValidatedJwt()
    {
        var engine = Engine("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: jwt}\nspec:\n  rules:\n  - from: [{source: {requestPrincipals: [\"*\"]}}]\n");

        Assert.False(engine.Evaluate(Request(null)).Allowed);
        Assert.True(engine.Evaluate(Request(null, requestPrincipal: "https://issuer.example.com/alice")).Allowed);
    }

    [Theory]
    [InlineData("serviceAccounts: [bookinfo-reviews]", true)] // a bare name is the policy's namespace's
    [InlineData("serviceAccounts: [default/bookinfo-reviews]", true)]
    [InlineData("serviceAccounts: [other/bookinfo-reviews]", false)]
    [InlineData("notServiceAccounts: [bookinfo-reviews]", false)]
    [InlineData("trustDomains: [cluster.local]", true)]
    [InlineData("trustDomains: [\"*.local\"]", true)]
    [InlineData("notTrustDomains: [cluster.local]", false)]
    [InlineData("remoteIpBlocks: [127.0.0.0/8]", true)] // no trusted proxy in front: the peer's own address
    [InlineData("notRemoteIpBlocks: [127.0.0.1]", false)]
    public void Sources_ByServiceAccount_TrustDomain_AndRemoteIp(string field, bool allowed)
    {
        var engine = Engine($"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: from}}\nspec:\n  rules:\n  - from: [{{source: {{{field}}}}}]\n");

        Assert.Equal(allowed, engine.Evaluate(Request(Reviews)).Allowed);
        if (field.StartsWith("serviceAccounts", StringComparison.Ordinal) || field.StartsWith("trustDomains", StringComparison.Ordinal))
        {
            Assert.False(engine.Evaluate(Request(null)).Allowed, "a plaintext peer has no service account or trust domain to match");
        }
    }

    [Theory]
    [InlineData("request.headers[x-token]", "secret", true)]
    [InlineData("request.headers[x-token]", "other", false)]
    [InlineData("source.principal", Reviews, true)]
    [InlineData("source.namespace", "default", true)]
    [InlineData("source.ip", "127.0.0.0/8", true)]
    [InlineData("destination.port", "9080", true)]
    [InlineData("request.auth.claims[group]", "admins", true)]
    [InlineData("source.serviceAccount", "default/bookinfo-reviews", true)]
    [InlineData("source.serviceAccount", "default/bookinfo-ratings", false)]
    [InlineData("source.trustDomain", "cluster.local", true)]
    [InlineData("source.trustDomain", "other.domain", false)]
    public void When_ConditionsOnRequestAttributes(string key, string value, bool allowed)
    {
        var engine = Engine($"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: when}}\nspec:\n  rules:\n  - when:\n    - key: {key}\n      values: [\"{value}\"]\n");
        var request = Request(Reviews, headers: new() { ["x-token"] = "secret" }) with
        {
            Claims = new Dictionary<string, IReadOnlyList<string>> { ["group"] = ["users", "admins"] },
        };

        Assert.Equal(allowed, engine.Evaluate(request).Allowed);
    }

    [Fact]
    public void When_NotValues_ExcludeMatches()
    {
        var engine = Engine("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: not}\nspec:\n  rules:\n  - when:\n    - key: request.headers[version]\n      notValues: [\"v1\"]\n");

        Assert.False(engine.Evaluate(Request(null, headers: new() { ["version"] = "v1" })).Allowed);
        Assert.True(engine.Evaluate(Request(null, headers: new() { ["version"] = "v2" })).Allowed);
    }
}
