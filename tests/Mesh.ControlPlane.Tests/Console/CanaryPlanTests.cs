using Mesh.Config;
using Mesh.Config.Model.Networking;
using Mesh.Config.Validation;
using Mesh.ControlPlane.Console;

namespace Mesh.ControlPlane.Tests.Console;

/// <summary>The canary wizard's VirtualService: Istio YAML that the mesh's own loader reads back to exactly what was asked.</summary>
public sealed class CanaryPlanTests
{
    [Fact]
    public void Weights_HeaderRouteAndFaults_ReadBackAsAsked()
    {
        var plan = new CanaryPlan("default", "reviews", new Dictionary<string, int> { ["v1"] = 80, ["v2"] = 20, ["v3"] = 0 },
            new HeaderRoute("end-user", "jason", "v2"), new FaultPlan(DelayPercent: 10, FixedDelay: "1s", AbortPercent: 2.5, AbortStatus: 500));

        var loaded = ConfigLoader.LoadText(plan.ToYaml(), "wizard");

        Assert.Empty(loaded.Findings);
        var vs = Assert.IsType<VirtualService>(Assert.Single(loaded.Resources));
        Assert.Equal(("reviews", "default"), (vs.Name, vs.Namespace));
        Assert.Equal(["reviews"], vs.Hosts);
        Assert.Equal(2, vs.Http.Count);
        var header = vs.Http[0];
        Assert.Equal("jason", header.Match.Single().Headers["end-user"].Value);
        Assert.Equal("v2", header.Route.Single().Destination.Subset);
        var weighted = vs.Http[1];
        Assert.True(weighted.IsCatchAll);
        Assert.Equal([("v1", 80), ("v2", 20)], weighted.Route.Select(r => (r.Destination.Subset!, r.Weight ?? 0)));
        Assert.Equal(TimeSpan.FromSeconds(1), weighted.Fault!.Delay!.FixedDelay);
        Assert.Equal(10, weighted.Fault.Delay.Percentage!.Value);
        Assert.Equal(500, weighted.Fault.Abort!.HttpStatus);
        Assert.Equal(2.5, weighted.Fault.Abort.Percentage!.Value);
    }

    [Fact]
    public void WhatTheUserTyped_StaysAString()
    {
        var plan = new CanaryPlan("default", "reviews", new Dictionary<string, int> { ["v1"] = 100 }, new HeaderRoute("x-user", "yes: \"no\" # 1", "v1"));

        var loaded = ConfigLoader.LoadText(plan.ToYaml(), "wizard");

        Assert.Empty(loaded.Findings);
        Assert.Equal("yes: \"no\" # 1", Assert.IsType<VirtualService>(Assert.Single(loaded.Resources)).Http[0].Match[0].Headers["x-user"].Value);
    }

    [Fact]
    public void WeightsThatAreAllZero_LeaveNoDestination_AndTheAnalyzerSaysSo()
    {
        var plan = new CanaryPlan("default", "reviews", new Dictionary<string, int> { ["v1"] = 0, ["v2"] = 0 });

        var loaded = ConfigLoader.LoadText(plan.ToYaml(), "wizard");
        var findings = loaded.Findings.Concat(ConfigAnalyzer.Analyze(new ConfigSet(loaded.Resources)));

        Assert.Contains(findings, f => f.Severity == Mesh.Config.Diagnostics.Severity.Error);
    }
}
