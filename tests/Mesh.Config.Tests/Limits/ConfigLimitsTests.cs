using System.Text;
using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Validation;

namespace Mesh.Config.Tests.Limits;

/// <summary>Every bound of <see cref="ConfigLimits"/>: passing it is a finding with file and line, and nothing is read past it.</summary>
public class ConfigLimitsTests
{
    private const string Header = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [details]\n";

    [Fact]
    public void LoadText_AliasBomb_IsRefusedAtItsLineWithoutExpanding()
    {
        // Nine levels of nine aliases: 8 KB of text that a reader would see as 9^9 (387 million) match conditions.
        var yaml = new StringBuilder("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bomb}\nspec:\n  hosts: [details]\n  x0: &a0 {exact: v}\n");
        for (var level = 1; level <= 9; level++)
        {
            yaml.Append("  x").Append(level).Append(": &a").Append(level).Append(" [")
                .Append(string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 9))).Append("]\n");
        }

        yaml.Append("  http:\n  - match: *a9\n    route: [{destination: {host: details}}]\n");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = ConfigLoader.LoadText(yaml.ToString(), "bomb.yaml");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var finding = Assert.Single(result.Findings);
        Assert.Equal("MESH114", finding.Code);
        Assert.Contains("aliases", finding.Message);
        // The anchor whose expansion first passes 100,000 nodes: x5, nine of x4's 20,503 nodes.
        Assert.Equal(("bomb.yaml", 11), (finding.Source.File, finding.Source.Line));
        Assert.Empty(result.Resources);
        Assert.True(allocated < 50_000_000, $"reading the bomb allocated {allocated} bytes");
    }

    [Fact]
    public void LoadText_AliasesWithinTheLimit_AreReadAsUsual()
    {
        const string yaml = Header + "  http:\n  - match: [&m {uri: {prefix: /a}}]\n    route: [{destination: {host: details}}]\n  - match: [*m]\n    route: [{destination: {host: details}}]\n";

        var result = ConfigLoader.LoadText(yaml, "ok.yaml");

        Assert.DoesNotContain(result.Findings, f => f.Severity == Severity.Error);
    }

    [Fact]
    public void LoadText_DocumentOverTheSizeLimit_IsRefusedAtItsFirstLine()
    {
        var yaml = "---\n" + Header + "  http:\n" + string.Concat(Enumerable.Repeat("  - route: [{destination: {host: details}}]\n", 20));

        var result = ConfigLoader.LoadText(yaml, "big.yaml", ConfigLimits.Default with { MaxDocumentBytes = 512 });

        var finding = Assert.Single(result.Findings);
        Assert.Equal(("MESH114", 2), (finding.Code, finding.Source.Line));
        Assert.Contains("512 bytes", finding.Message);
    }

    [Fact]
    public void LoadText_DeepNesting_IsRefusedWhereItPassesTheLimit()
    {
        var yaml = Header + "  http: " + new string('[', 200) + new string(']', 200) + "\n";

        var result = ConfigLoader.LoadText(yaml, "deep.yaml");

        var finding = Assert.Single(result.Findings);
        Assert.Equal(("MESH114", 6), (finding.Code, finding.Source.Line));
        Assert.Contains("64 levels", finding.Message);
    }

    [Fact]
    public void LoadText_TooManyRules_IsAFindingOnTheResource()
    {
        var yaml = Header + "  http:\n" + string.Concat(Enumerable.Repeat("  - route: [{destination: {host: details}}]\n", 11));

        var result = ConfigLoader.LoadText(yaml, "rules.yaml", ConfigLimits.Default with { MaxRules = 10 });

        var finding = Assert.Single(result.Findings, f => f.Code == "MESH114");
        Assert.Equal(5, finding.Source.Line);
        Assert.Contains("11 rules", finding.Message);
    }

    [Fact]
    public void LoadText_TooManyConditions_IsAFindingOnTheResource()
    {
        var yaml = Header + "  http:\n  - match:\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"    - headers: {{h{i}: {{exact: v}}, g{i}: {{exact: v}}}}\n")) +
            "    route: [{destination: {host: details}}]\n";

        var result = ConfigLoader.LoadText(yaml, "conditions.yaml", ConfigLimits.Default with { MaxConditions = 50 });

        var finding = Assert.Single(result.Findings, f => f.Code == "MESH114");
        Assert.Contains("match conditions", finding.Message);
    }

    [Fact]
    public void AuthorizationPolicy_TooManyRules_IsAFinding()
    {
        var yaml = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p}\nspec:\n  rules:\n" +
            string.Concat(Enumerable.Repeat("  - to: [{operation: {paths: [/a]}}]\n", 6));

        var result = ConfigLoader.LoadText(yaml, "ap.yaml", ConfigLimits.Default with { MaxRules = 5 });

        Assert.Single(result.Findings, f => f.Code == "MESH114");
    }

    [Fact]
    public void Analyze_WholeConfigOverTheTotalLimit_NamesTheLargestResource()
    {
        var small = ConfigLoader.LoadText(Header, "a.yaml").Resources;
        var large = ConfigLoader.LoadText(Header.Replace("name: x", "name: y", StringComparison.Ordinal) + "  http:\n" +
            string.Concat(Enumerable.Repeat("  - route: [{destination: {host: details}}]\n", 40)), "b.yaml").Resources;

        var findings = ConfigAnalyzer.Analyze(new ConfigSet([.. small, .. large]), limits: ConfigLimits.Default with { MaxTotalBytes = 1024 });

        var finding = Assert.Single(findings, f => f.Code == "MESH114");
        Assert.Equal("VirtualService/default/y", finding.Resource);
        Assert.Equal("b.yaml", finding.Source.File);
    }

    [Theory]
    [InlineData("(?=a)b", "RE2 has no such construct")]
    [InlineData("(?<=a)b", "RE2 has no such construct")]
    [InlineData("(a)\\\\1", "RE2 has no such construct")]
    [InlineData("(?>a)", "RE2 has no such construct")]
    [InlineData("a(", "Not enough")]
    public void Regex_TheEngineCannotRun_IsMesh107(string regex, string reason)
    {
        var yaml = Header + $"  http:\n  - match: [{{uri: {{regex: \"{regex}\"}}}}]\n    route: [{{destination: {{host: details}}}}]\n";

        var result = ConfigLoader.LoadText(yaml, "regex.yaml");

        var finding = Assert.Single(result.Findings);
        Assert.Equal(("MESH107", 7), (finding.Code, finding.Source.Line));
        Assert.Contains(reason, finding.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Regex_UriRegexRewriteWithBackreference_IsMesh107()
    {
        var yaml = Header + "  http:\n  - rewrite:\n      uriRegexRewrite: {match: \"(a)\\\\1\", rewrite: /b}\n    route: [{destination: {host: details}}]\n";

        var result = ConfigLoader.LoadText(yaml, "rewrite.yaml");

        Assert.Equal("MESH107", Assert.Single(result.Findings).Code);
    }

    [Fact]
    public void Regex_LongerThanIstiosLimit_IsMesh107()
    {
        Assert.False(MeshRegex.TryValidate(new string('a', MeshRegex.MaxLength + 1), out var error));
        Assert.Contains("1024", error);
        Assert.True(MeshRegex.TryValidate(new string('a', MeshRegex.MaxLength), out _));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("/etc/ssl")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a\\b")]
    public void CredentialName_ThatIsNotASecretName_IsMesh111(string name)
    {
        var yaml = $"apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: g}}\nspec:\n  servers:\n  - port: {{number: 443, name: https, protocol: HTTPS}}\n    hosts: [\"*\"]\n    tls:\n      mode: SIMPLE\n      credentialName: \"{name}\"\n";

        var result = ConfigLoader.LoadText(yaml, "gw.yaml");

        var finding = Assert.Single(result.Findings);
        Assert.Equal(("MESH111", 10), (finding.Code, finding.Source.Line));
        Assert.Contains("never a path", finding.Message);
    }

    [Theory]
    [InlineData("bookinfo-credential.v2")]
    [InlineData("Bookinfo")]
    [InlineData("$CREDENTIAL_NAME")] // Istio's samples/multicluster/expose-istiod-https.yaml, a placeholder Istio accepts
    public void CredentialName_ASecretName_IsAccepted(string name)
    {
        var yaml = $"apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: g}}\nspec:\n  servers:\n  - port: {{number: 443, name: https, protocol: HTTPS}}\n    hosts: [\"*\"]\n    tls: {{mode: SIMPLE, credentialName: \"{name}\"}}\n";

        Assert.Empty(ConfigLoader.LoadText(yaml, "gw.yaml").Findings);
    }
}
