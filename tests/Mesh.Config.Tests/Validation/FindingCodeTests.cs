using Mesh.Config.Diagnostics;
using Mesh.Config.Registry;
using Mesh.Config.Validation;

namespace Mesh.Config.Tests.Validation;

/// <summary>Every finding code, each from a YAML that shows it, with the line it must point at.</summary>
public class FindingCodeTests
{
    private const string Subsets = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2}
        ---
        """;

    public static TheoryData<string, string, int> Cases => new()
    {
        { "MESH101", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: x\n spec: {}\n", 5 },
        { "MESH102", "apiVersion: networking.istio.io/v1\nkind: VirtualServce\nmetadata: {name: x}\n", 2 },
        { "MESH103", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  htp: []\n", 6 },
        { "MESH104", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  tcp: []\n", 6 },
        { "MESH105", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: x\n", 5 },
        { "MESH106", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec:\n  host: x\n  trafficPolicy:\n    loadBalancer:\n      simple: FASTEST\n", 8 },
        { "MESH107", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  http:\n  - match:\n    - uri:\n        regex: \"/a(\"\n    route: [{destination: {host: x}}]\n", 9 },
        { "MESH108", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  http:\n  - timeout: 10 seconds\n    route: [{destination: {host: x}}]\n", 7 },
        { "MESH109", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  http:\n  - fault:\n      abort:\n        httpStatus: 500\n        percentage: {value: 120}\n    route: [{destination: {host: x}}]\n", 10 },
        { "MESH110", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec:\n  subsets: []\n", 5 },
        { "MESH111", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: Bad_Name}\nspec:\n  hosts: [x]\n", 3 },
        { "MESH112", "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec: {}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec: {}\n", 9 },
        { "MESH113", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", 1 },
        { "MESH114", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  http: " + new string('[', 70) + new string(']', 70) + "\n", 6 },
        { "MESH201", Subsets + "\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v3}\n", 19 },
        { "MESH202", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec:\n  host: x\n  subsets:\n  - name: v1\n  - name: v1\n", 8 },
        { "MESH203", Subsets.Replace("version: v2", "version: v9", StringComparison.Ordinal), 9 },
        { "MESH204", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: nowhere}\n", 8 },
        { "MESH205", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [\"*\"]\n  gateways: [missing-gateway]\n  http:\n  - route: [{destination: {host: reviews}}]\n", 5 },
        { "MESH206", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\nspec:\n  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: b}\nspec:\n  hosts: [reviews.default.svc.cluster.local]\n  http:\n  - route: [{destination: {host: reviews}}]\n", 13 },
        { "MESH207", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: a}\nspec:\n  host: reviews\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: b}\nspec:\n  host: reviews\n", 11 },
        { "MESH208", "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: a}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [\"*.example.com\"]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: b}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: web, protocol: HTTP}\n    hosts: [shop.example.com]\n", 7 },
        { "MESH209", "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: a}\nspec:\n  egress: [{hosts: [\"./*\"]}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: b}\nspec:\n  egress: [{hosts: [\"istio-system/*\"]}]\n", 5 },
        { "MESH210", "apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: {name: a}\nspec:\n  accessLogging: [{disabled: true}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: {name: b}\nspec:\n  accessLogging: [{disabled: false}]\n", 5 },
        { "MESH211", "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [foo.com]\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: foo}\nspec:\n  hosts: [foo.com]\n  gateways: [g]\n  http:\n  - match:\n    - headers:\n        \"@request.auth.claims.group\": {exact: admin}\n    route: [{destination: {host: reviews}}]\n", 19 },
        { "MESH212", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [reviews]\n  http:\n  - delegate: {name: missing}\n", 7 },
        { "MESH301", Subsets + "\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v1}\n      weight: 0\n    - destination: {host: reviews, subset: v2}\n      weight: 0\n", 18 },
        { "MESH302", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n  - match: [{uri: {prefix: /a}}]\n    route: [{destination: {host: reviews}}]\n", 8 },
        { "MESH303", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [reviews]\n  http:\n  - match: [{uri: {prefix: /a}}]\n", 7 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachCode_IsReportedAtTheOffendingLine(string code, string yaml, int line)
    {
        var findings = Analyze(yaml);

        // Most codes are reported once; the analyzers that find two resources in conflict report each of them, as Istio does.
        var reported = findings.Where(f => f.Code == code).ToArray();
        var finding = Assert.Single(reported, f => f.Source.Line == line);
        Assert.True(reported.Length == 1 || code is "MESH208" or "MESH209" or "MESH210", string.Join("\n", reported.Select(f => f.ToString())));
        Assert.Equal("case.yaml", finding.Source.File);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.Equal(FindingCodes.All.Single(c => c.Code == code).Severity, finding.Severity);
        Assert.Equal(FindingCodes.All.Single(c => c.Code == code).IstioCode, finding.IstioCode);
    }

    /// <summary>Every code but MESH100, which marks a defect of the mesh's own readers: the fuzz test checks it never appears.</summary>
    [Fact]
    public void EveryCode_HasACase() =>
        Assert.Equal(FindingCodes.All.Where(c => c != FindingCodes.InternalError).Select(c => c.Code).Order(), Cases.Select(c => (string)c[0]).Order());

    [Theory]
    [InlineData("33, 33, 33", null, null)]
    [InlineData("1, 0, 0", null, null)]
    [InlineData("500, 300, 200", null, null)]
    [InlineData("0, 0, 0", "MESH301", "- route:")]
    [InlineData("-1, 50, 51", "MESH111", "weight: -1")]
    public void Weights_AreRelative_OnlyNegativeOrAllZeroIsRefused(string weights, string? code, string? at)
    {
        var yaml = Subsets.Replace("---", "  - name: v3\n    labels: {version: v3}\n---", StringComparison.Ordinal) +
            "\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n" +
            string.Join("", weights.Split(", ").Select((w, i) => $"    - destination: {{host: reviews, subset: v{i + 1}}}\n      weight: {w}\n"));

        var errors = Analyze(yaml).Where(f => f.Severity == Severity.Error).ToArray();

        if (code is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            var error = Assert.Single(errors);
            Assert.Equal(code, error.Code);
            Assert.Equal(yaml.Split('\n').ToList().FindIndex(l => l.Contains(at!, StringComparison.Ordinal)) + 1, error.Source.Line);
        }
    }

    [Fact]
    public void UnknownField_SuggestsTheClosestKnownOne()
    {
        var finding = Assert.Single(Analyze("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  gatways: [g]\n"), f => f.Code == "MESH103");

        Assert.Contains("did you mean 'gateways'?", finding.Message);
    }

    [Fact]
    public void BookinfoConfigAndSamples_AreClean()
    {
        var paths = new[] { "config", "samples" }.Select(p => Path.Combine(AppContext.BaseDirectory, p));
        // samples/simulation holds the simulator's topologies and configs for other meshes: Mesh.Simulation.Tests checks those.
        var simulation = Path.Combine(AppContext.BaseDirectory, "samples", "simulation");
        foreach (var file in paths.SelectMany(p => Directory.EnumerateFiles(p, "*.yaml", SearchOption.AllDirectories)).Where(f => !f.StartsWith(simulation, StringComparison.Ordinal)))
        {
            var loaded = ConfigLoader.LoadPaths([file, Path.Combine(AppContext.BaseDirectory, "config", "destination-rule-all.yaml")]);
            var findings = loaded.Findings.Concat(ConfigAnalyzer.Analyze(new ConfigSet(loaded.Resources), Registry())).Where(f => f.Code != "MESH112");
            Assert.True(!findings.Any(), $"{file}: {string.Join("; ", findings)}");
        }
    }

    private static IReadOnlyList<Finding> Analyze(string yaml)
    {
        var loaded = ConfigLoader.LoadText(yaml, "case.yaml");
        return [.. loaded.Findings, .. ConfigAnalyzer.Analyze(new ConfigSet(loaded.Resources), Registry())];
    }

    private static ServiceRegistry Registry() => new(
        new[] { ("productpage", "v1"), ("details", "v1"), ("ratings", "v1"), ("reviews", "v1"), ("reviews", "v2"), ("reviews", "v3") }
            .Select(w => new Workload
            {
                Name = $"{w.Item1}-{w.Item2}",
                Address = "127.0.0.1",
                Labels = new Dictionary<string, string> { ["app"] = w.Item1, ["version"] = w.Item2 },
                Ports = [new WorkloadPort("http", 9080, 9080)],
            }));
}
