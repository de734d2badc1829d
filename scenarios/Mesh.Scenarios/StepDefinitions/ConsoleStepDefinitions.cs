using System.Net;
using Aspire.Hosting.ApplicationModel;
using Mesh.Config;
using Mesh.Config.Model.Networking;
using Mesh.Scenarios.Drivers;
using Microsoft.Playwright;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>The mesh console, driven in Chromium: graph, side panel, canary wizard, validations and proxies.</summary>
[Binding]
public sealed class ConsoleStepDefinitions(ConsoleDriver console, RunningMesh mesh, MeshConfigDriver config, ControlPlaneDriver controlPlane, HttpClient http)
{
    private (HttpStatusCode Status, string Body) _submitted;
    private long _versionBeforeApply;

    [AfterScenario]
    public ValueTask CloseBrowser() => console.DisposeAsync();

    [Then("the control plane's resource in the Aspire dashboard links to the mesh console")]
    public async Task ThenTheDashboardLinksToTheConsole()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var resource = await mesh.App.ResourceNotifications.WaitForResourceAsync("controlplane",
            e => e.Snapshot.Urls.Any(u => u.DisplayProperties.DisplayName == "Mesh console"), timeout.Token);
        var url = resource.Snapshot.Urls.First(u => u.DisplayProperties.DisplayName == "Mesh console").Url;
        Assert.Contains("/console/login.html#key=", url, StringComparison.Ordinal);
        // A browser with no session: the link alone logs it in.
        var page = await console.OpenAsync("login.html", logIn: false);
        await page.GotoAsync("about:blank");
        await page.GotoAsync(url);
        await console.WaitForAsync("() => document.querySelector('h1')?.textContent === 'Traffic graph'", null, "the graph page at the dashboard's link");
    }

    [When("the console shows the {string} graph over the last {string}")]
    public async Task WhenTheConsoleShowsTheGraph(string type, string window)
    {
        var graphType = type switch
        {
            "versioned app" => "versionedApp",
            "workload" => "workload",
            _ => throw new ArgumentException($"graph type '{type}' is \"versioned app\" or \"workload\""),
        };
        await console.OpenAsync($"graph.html?type={graphType}&window={Uri.EscapeDataString(window)}");
        await console.WaitForAsync("() => document.querySelector('#edge-table') !== null", null, "the graph's edges");
    }

    [Then("the graph has an edge from {string} to {string}")]
    public Task ThenTheGraphHasAnEdge(string source, string target) =>
        console.WaitForAsync("([s, t]) => [...document.querySelectorAll('#edge-table tbody tr')].some(r => r.dataset.source === s && r.dataset.target === t)",
            new[] { source, target }, $"an edge from {source} to {target}", EdgeTable);

    [Then("the graph shows about {int} percent of the traffic from {string} going to {string}, within {int} points")]
    public Task ThenTheGraphShowsTheSplit(int percent, string source, string target, int points) =>
        console.WaitForAsync(
            "([s, t, p, d]) => [...document.querySelectorAll('#edge-table tbody tr')].some(r => r.dataset.source === s && r.dataset.target === t && Math.abs(Number(r.dataset.share) * 100 - p) <= d)",
            new object[] { source, target, percent, points }, $"{percent} ± {points} % of {source}'s traffic going to {target}", EdgeTable);

    [Then("the graph shows no traffic from {string} to {string}")]
    public Task ThenTheGraphShowsNoTraffic(string source, string target) =>
        console.WaitForAsync("([s, t]) => document.querySelector('#edge-table') && ![...document.querySelectorAll('#edge-table tbody tr')].some(r => r.dataset.source === s && r.dataset.target === t)",
            new[] { source, target }, $"no edge from {source} to {target}", EdgeTable);

    [Then("every edge from {string} is mutual TLS, with its lock drawn")]
    public async Task ThenEveryEdgeIsMutualTls(string source)
    {
        var edges = (await console.EdgesAsync()).Where(e => e.Source == source).ToArray();
        Assert.NotEmpty(edges);
        Assert.All(edges, e => Assert.True(e.Mtls == "yes", $"{e.Source} → {e.Target} is not shown as mutual TLS"));
        var locks = await console.Page.Locator($"g.edge-group[data-source=\"{source}\"] .lock").CountAsync();
        Assert.Equal(edges.Length, locks);
    }

    [When("the node {string} is selected")]
    public async Task WhenTheNodeIsSelected(string label)
    {
        await console.Page.Locator($"g.node[data-label=\"{label}\"]").ClickAsync();
        await console.WaitForAsync("(l) => document.querySelector('#panel h2')?.textContent === l", label, $"the side panel of {label}");
    }

    [Then("the side panel shows the proxies of {string} SYNCED, each with its certificate's expiry")]
    public Task ThenTheSidePanelShowsTheProxies(string workloads) =>
        console.WaitForAsync(
            "(names) => names.every(n => [...document.querySelectorAll('#panel tbody tr')].some(r => r.cells[0]?.textContent === n && r.cells[1]?.textContent === 'SYNCED' && r.querySelector('time')?.textContent.startsWith('in ')))",
            workloads.Split(',', StringSplitOptions.TrimEntries), $"the proxies of {workloads} SYNCED with a certificate expiry", "document.querySelector('#panel')?.innerText");

    [Then("the side panel links to {string}")]
    public Task ThenTheSidePanelLinksTo(string key) =>
        console.WaitForAsync("(k) => [...document.querySelectorAll('#panel a')].some(a => a.textContent === k)", key, $"a link to {key} in the side panel",
            "document.querySelector('#panel')?.innerText");

    [When("the canary wizard splits {string} as {string}")]
    public async Task WhenTheCanaryWizardSplits(string service, string weights)
    {
        var page = await console.OpenAsync($"canary.html?service={Uri.EscapeDataString(service)}");
        await console.WaitForAsync("() => document.querySelectorAll('#subsets input[type=range]').length > 0", null, $"the subsets of {service}");
        foreach (var (subset, weight) in Weights(weights))
        {
            await page.Locator($"#weight-{subset}").FillAsync(weight.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await console.WaitForAsync("() => document.querySelector('#yaml')?.textContent.includes('kind: VirtualService')", null, "the preview");
    }

    [Then("the wizard's preview is valid and routes {string}")]
    public async Task ThenThePreviewRoutes(string weights)
    {
        await console.WaitForAsync("() => !document.querySelector('#apply').disabled", null, "a valid preview (Apply enabled)");
        AssertRoutes(await console.Page.Locator("#yaml").TextContentAsync() ?? "", weights);
    }

    [When("the wizard's VirtualService is applied")]
    public async Task WhenTheWizardsVirtualServiceIsApplied()
    {
        _versionBeforeApply = await controlPlane.NewestAckedVersionAsync();
        var yaml = await console.Page.Locator("#yaml").TextContentAsync() ?? "";
        config.Track(ConfigLoader.LoadText(yaml, "console").Resources.Select(r => r.Key));
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await console.WaitForAsync("() => document.querySelector('#status')?.textContent.startsWith('Applied')", null, "the wizard's change applied");
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(1), newerThan: _versionBeforeApply);
    }

    [Then("the control plane serves VirtualService {string} routing {string}")]
    public async Task ThenTheControlPlaneServes(string name, string weights) =>
        AssertRoutes(await http.GetStringAsync(new Uri(mesh.ControlPlane, $"/api/config/VirtualService/default/{name}")), weights);

    [When("this config is submitted to the control plane:")]
    public async Task WhenThisConfigIsSubmitted(string yaml) => _submitted = await config.SubmitAsync(yaml, "scenario");

    [Then("the control plane refuses it with {string}")]
    public void ThenTheControlPlaneRefusesIt(string code)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, _submitted.Status);
        Assert.Contains($"\"code\":\"{code}\"", _submitted.Body, StringComparison.Ordinal);
    }

    [Then("the control plane accepts it")]
    public void ThenTheControlPlaneAcceptsIt() => Assert.True(_submitted.Status == HttpStatusCode.OK, _submitted.Body);

    [When("the console shows the validations")]
    public async Task WhenTheConsoleShowsTheValidations()
    {
        await console.OpenAsync("validations.html");
        await console.WaitForAsync("() => document.querySelector('#live-findings') !== null", null, "the validations");
    }

    [Then("the validations list {string} for {string} in the refused change")]
    public Task ThenTheRefusedChangeLists(string code, string resource) => FindingShown("rejected-findings", code, resource);

    [Then("the validations list {string} for {string} in the served config")]
    public Task ThenTheServedConfigLists(string code, string resource) => FindingShown("live-findings", code, resource);

    [When("the link to {string} is followed")]
    public async Task WhenTheLinkIsFollowed(string key)
    {
        await console.Page.GetByRole(AriaRole.Link, new() { Name = key }).First.ClickAsync();
        await console.WaitForAsync("(k) => document.querySelector('h1')?.textContent === k && document.querySelector('pre')", key, $"the page of {key}");
    }

    [Then("the resource page shows its YAML with {string}")]
    public async Task ThenTheResourcePageShowsItsYaml(string text) =>
        Assert.Contains(text, await console.Page.Locator("pre").TextContentAsync() ?? "", StringComparison.Ordinal);

    [When("the console shows the proxies")]
    public async Task WhenTheConsoleShowsTheProxies()
    {
        await console.OpenAsync("proxies.html");
        await console.WaitForAsync("() => document.querySelector('#proxy-table') !== null", null, "the proxy table");
    }

    [Then("the proxies view shows every proxy SYNCED")]
    public async Task ThenEveryProxyIsSynced()
    {
        var proxies = await controlPlane.ProxiesAsync();
        await console.WaitForAsync("(n) => { const rows = [...document.querySelectorAll('#proxy-table tbody tr')]; return rows.length === n && rows.every(r => r.dataset.status === 'SYNCED'); }",
            proxies.Count, $"{proxies.Count} proxies, all SYNCED");
    }

    [When("the config of {string} is opened")]
    public async Task WhenTheConfigIsOpened(string workload)
    {
        await console.Page.GetByRole(AriaRole.Button, new() { Name = $"Show config of {workload}" }).ClickAsync();
        await console.WaitForAsync("() => document.querySelector('section[data-dump] table') !== null", null, $"the config of {workload}");
    }

    [Then("its routes send {string} to {string} and its clusters include {string}")]
    public Task ThenItsRoutesAndClusters(string domain, string cluster, string listed) =>
        console.WaitForAsync(
            "([d, c, l]) => { const s = document.querySelector('section[data-dump]'); const [routes, clusters] = s.querySelectorAll('table'); return [...routes.querySelectorAll('tbody tr')].some(r => r.cells[2].textContent.includes(d) && r.cells[4].textContent.includes(c)) && [...clusters.querySelectorAll('tbody tr')].some(r => r.cells[0].textContent === l); }",
            new[] { domain, cluster, listed }, $"a route for {domain} to {cluster} and the cluster {listed}", "document.querySelector('section[data-dump]')?.innerText");

    [Then("the page has no serious accessibility violations")]
    public async Task ThenThePageHasNoSeriousAccessibilityViolations()
    {
        var violations = await console.BlockingAccessibilityViolationsAsync();
        Assert.True(violations.Count == 0, "axe-core found:\n" + string.Join('\n', violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    [Then("a screenshot of the console is kept as {string}")]
    public Task ThenAScreenshotIsKept(string name) => console.ScreenshotAsync(name);

    private Task FindingShown(string table, string code, string resource) =>
        console.WaitForAsync($"([c, r]) => [...document.querySelectorAll('#{table} tbody tr')].some(row => row.dataset.code === c && row.dataset.resource === r)",
            new[] { code, resource }, $"{code} for {resource} in #{table}");

    private const string EdgeTable = "document.querySelector('#edge-table')?.innerText ?? document.querySelector('#status')?.innerText";

    private static IEnumerable<(string Subset, int Weight)> Weights(string text) => text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
    {
        var pair = part.Split('=', StringSplitOptions.TrimEntries);
        return (pair[0], int.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
    });

    /// <summary>The catch-all route of the VirtualService in the YAML sends exactly these weights (0 % subsets absent).</summary>
    private static void AssertRoutes(string yaml, string weights)
    {
        var loaded = ConfigLoader.LoadText(yaml, "console");
        Assert.Empty(loaded.Findings);
        var vs = Assert.IsType<VirtualService>(Assert.Single(loaded.Resources));
        var route = vs.Http.Last(h => h.IsCatchAll).Route.Select(r => (r.Destination.Subset!, r.Weight ?? 100)).ToArray();
        Assert.Equal(Weights(weights).Where(w => w.Weight > 0).ToArray(), route);
    }
}
