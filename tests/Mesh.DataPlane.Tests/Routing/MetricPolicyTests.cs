using System.Diagnostics;
using Mesh.Config;
using Mesh.Config.Model.Telemetry;
using Mesh.DataPlane.Telemetry;

namespace Mesh.DataPlane.Tests.Routing;

/// <summary>Istio's Telemetry metric overrides: disable a metric, remove or set a tag, by side, with the more specific resource winning.</summary>
public class MetricPolicyTests
{
    private const string Overrides = """
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: mesh-default, namespace: istio-system}
        spec:
          metrics:
          - providers: [{name: prometheus}]
            overrides:
            - match: {metric: REQUEST_COUNT}
              tagOverrides:
                request_protocol: {operation: REMOVE}
            - match: {metric: ALL_METRICS, mode: SERVER}
              tagOverrides:
                request_host: {value: request.host}
        ---
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: reviews, namespace: default}
        spec:
          selector:
            matchLabels: {app: reviews}
          metrics:
          - overrides:
            - match: {metric: REQUEST_DURATION, mode: CLIENT}
              disabled: true
            - match: {metric: REQUEST_COUNT}
              tagOverrides:
                request_protocol: {value: "'h2'"}
        """;

    private static MetricPolicy Policy(string workload)
    {
        var loaded = ConfigLoader.LoadText(Overrides, "telemetry.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Findings));
        return MetricPolicy.Build(new ConfigSet(loaded.Resources).Telemetries, Mesh.Bookinfo().First(w => w.Name == workload), "istio-system");
    }

    private static TagList Standard => new() { { "reporter", "destination" }, { "request_protocol", "http" }, { "response_code", "200" } };

    [Fact]
    public void TheRootNamespacesOverrides_ApplyToEveryWorkload()
    {
        var policy = Policy("productpage-v1");

        var count = policy.For(IstioMetric.RequestCount, server: true).Apply(Standard, a => a == "request.host" ? "productpage:9080" : null);

        Assert.Equal(["reporter=destination", "response_code=200", "request_host=productpage:9080"], count.ToArray().Select(t => $"{t.Key}={t.Value}"));
        Assert.True(policy.For(IstioMetric.RequestDuration, server: false).IsStandard);
        Assert.Equal(["reporter=destination", "request_protocol=http", "response_code=200", "request_host=unknown"],
            policy.For(IstioMetric.RequestSize, server: true).Apply(Standard, _ => null).ToArray().Select(t => $"{t.Key}={t.Value}"));
    }

    [Fact]
    public void AWorkloadsOwnTelemetry_WinsForTheSameTag_AndDisablesByMode()
    {
        var policy = Policy("reviews-v1");

        Assert.Equal(["reporter=destination", "request_protocol=h2", "response_code=200", "request_host=unknown"],
            policy.For(IstioMetric.RequestCount, server: true).Apply(Standard, _ => null).ToArray().Select(t => $"{t.Key}={t.Value}"));
        Assert.True(policy.For(IstioMetric.RequestDuration, server: false).Disabled);
        Assert.False(policy.For(IstioMetric.RequestDuration, server: true).Disabled);
    }

    [Fact]
    public void TraceSampling_ComesFromTheMostSpecificTelemetryThatSetsIt()
    {
        const string Sampling = """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: mesh-default, namespace: istio-system}
            spec:
              tracing: [{randomSamplingPercentage: 1}]
            ---
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: reviews, namespace: default}
            spec:
              selector: {matchLabels: {app: reviews}}
              tracing: [{randomSamplingPercentage: 50}]
            """;

        Assert.Equal(50, Mesh.Build(Sampling, proxy: Mesh.Bookinfo().First(w => w.App == "reviews")).Table.TraceSampling);
        Assert.Equal(1, Mesh.Build(Sampling).Table.TraceSampling);
        Assert.Null(Mesh.Build(Mesh.ReviewsSubsets).Table.TraceSampling);
    }

    [Fact]
    public void WithoutOverrides_ThePolicyIsStandard() =>
        Assert.True(MetricPolicy.Build([], Mesh.Bookinfo()[0], "istio-system").IsStandard);
}
