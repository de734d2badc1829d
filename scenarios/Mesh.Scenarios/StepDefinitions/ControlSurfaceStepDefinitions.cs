using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Grpc.Core;
using Mesh.Chaos.Actions;
using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that attack the mesh's own surfaces and check that nothing gave way.</summary>
[Binding]
public sealed class ControlSurfaceStepDefinitions(ControlSurfaceDriver surfaces, MeshConfigDriver config, ChaosDriver chaos, RunningMesh mesh, HttpClient http)
    : IDisposable
{
    private const string Abort = "fault.http.abort.http_status=500&fault.http.abort.abort_percent=100";

    private TcpListener? _listener;

    [Given("the mesh's config and registry are noted")]
    public Task GivenTheStateIsNoted() => surfaces.NoteStateAsync();

    [Then("the mesh's config, registry and pages are unchanged")]
    public Task ThenUnchanged() => surfaces.AssertUnchangedAsync();

    [When("an anonymous client applies {string} to the control plane")]
    public Task WhenAnonymousApply(string file) =>
        surfaces.ControlPlaneAsync("POST", "/api/config", File.ReadAllText(MeshConfigDriver.Sample(file)), "application/yaml");

    [When("an anonymous client rotates the control plane's root with an overlap of {string}")]
    public Task WhenAnonymousRotate(string overlap) => surfaces.ControlPlaneAsync("POST", $"/api/ca/rotate-root?overlap={overlap}");

    [When("an anonymous client resets the control plane's config")]
    public Task WhenAnonymousReset() => surfaces.ControlPlaneAsync("POST", "/api/config/reset");

    [When("an anonymous client reads the control plane's registry")]
    public Task WhenAnonymousRead() => surfaces.ControlPlaneAsync("GET", "/api/registry");

    [When("a page from {string} posts {string} as {string} to the control plane in the operator's session")]
    public Task WhenAPagePosts(string origin, string file, string type) =>
        surfaces.ControlPlaneAsync("POST", "/api/config", File.ReadAllText(MeshConfigDriver.Sample(file)), type, origin, operatorSession: true);

    [When("a page from the control plane's own origin posts {string} as {string} in the operator's session")]
    public Task WhenAPageOfTheOriginPosts(string file, string type) =>
        surfaces.ControlPlaneAsync("POST", "/api/config", File.ReadAllText(MeshConfigDriver.Sample(file)), type,
            mesh.ControlPlane.GetLeftPart(UriPartial.Authority), operatorSession: true);

    [Then("the control plane answers {int}")]
    [Then("the sidecar answers {int}")]
    public void ThenAnswers(int status) =>
        Assert.True((int?)surfaces.LastStatus == status, $"wanted {status}, got {(int?)surfaces.LastStatus}: {surfaces.LastBody}");

    [When("an anonymous client sets a {int} percent abort on the sidecar of {string}")]
    public Task WhenAnonymousFault(int percent, string workload) =>
        surfaces.SidecarRuntimeModifyAsync(workload, Abort.Replace("100", percent.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    [When("a page from {string} sets a {int} percent abort on the sidecar of {string} with the operator's credential")]
    public Task WhenAPageSetsAFault(string origin, int percent, string workload) =>
        surfaces.SidecarRuntimeModifyAsync(workload, Abort.Replace("100", percent.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), origin, operatorToken: true);

    [Then("the sidecar of {string} has no runtime faults")]
    public async Task ThenNoRuntimeFaults(string workload) => Assert.Equal("{}", await surfaces.SidecarRuntimeAsync(workload));

    [When("a client without a token registers workload {string} as {string} version {string}")]
    public Task WhenRegistersWithoutToken(string workload, string app, string version) =>
        surfaces.RegisterAsync(null, ControlSurfaceDriver.Hello(workload, app, version, $"bookinfo-{app}"));

    [When("a client with the token of {string} registers workload {string} as {string} version {string}")]
    public Task WhenRegistersWithAStolenToken(string owner, string workload, string app, string version) =>
        surfaces.RegisterAsync(surfaces.StolenToken(owner), ControlSurfaceDriver.Hello(workload, app, version, $"bookinfo-{app}"));

    [When("a client with the token of {string} says hello as {string} and hangs up")]
    public async Task WhenTakesOverAndHangsUp(string owner, string victim)
    {
        var app = victim[..victim.LastIndexOf('-')];
        var version = victim[(victim.LastIndexOf('-') + 1)..];
        await using var stream = await surfaces.RegisterAsync(surfaces.StolenToken(owner), ControlSurfaceDriver.Hello(victim, app, version, $"bookinfo-{app}"));
    }

    [Then("the discovery stream is refused as {string}")]
    public void ThenRefusedAs(string status) =>
        Assert.Equal(Enum.Parse<StatusCode>(status), surfaces.LastGrpcStatus);

    [Then("the discovery stream is accepted")]
    public void ThenAccepted() => Assert.Equal(StatusCode.OK, surfaces.LastGrpcStatus);

    private ControlSurfaceDriver.AttackerStream? _probe;

    [When("a new workload {string} registers claiming an admin address the test listens on")]
    public async Task WhenRegistersClaimingAListener(string workload)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var claimed = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _probe = await RegisterNewAsync(workload, claimed);
    }

    [When("a new workload {string} registers claiming the admin address {string}")]
    public async Task WhenRegistersClaiming(string workload, string address) => await RegisterNewAsync(workload, address);

    private Task<ControlSurfaceDriver.AttackerStream> RegisterNewAsync(string workload, string admin)
    {
        var app = workload[..workload.LastIndexOf('-')];
        var version = workload[(workload.LastIndexOf('-') + 1)..];
        return surfaces.RegisterAsync(surfaces.NewWorkloadToken(workload, app, version, app),
            ControlSurfaceDriver.Hello(workload, app, version, app, admin), dump: $$"""{"proxy":"{{workload}}"}""");
    }

    [When("the control plane is asked for the config dump of {string}")]
    public async Task WhenAskedForTheDump(string workload) =>
        surfaces.LastBody = await http.GetStringAsync(new Uri(mesh.ControlPlane, $"/api/proxies/{workload}.default/config_dump"));

    [Then("the dump came over the workload's own stream")]
    public void ThenTheDumpCameOverTheStream()
    {
        Assert.Equal(1, _probe?.DumpRequests);
        Assert.Contains("\"proxy\":\"probe-v1\"", surfaces.LastBody, StringComparison.Ordinal);
    }

    [Then("nothing connected to the claimed address")]
    public void ThenNothingConnected() => Assert.False(_listener!.Pending(), "the control plane connected to the address the proxy claimed");

    [Then("Prometheus is not handed {string} as a target")]
    public async Task ThenNotATarget(string address)
    {
        var targets = await http.GetStringAsync(new Uri(mesh.ControlPlane, "/api/prometheus/targets"));
        Assert.Contains("reviews-v1", targets, StringComparison.Ordinal);
        Assert.DoesNotContain(address, targets, StringComparison.Ordinal);
    }

    [When("the host {string} is routed to the sidecar of {string} as a service that runs as {string}")]
    public async Task WhenAnImpostorIsRouted(string host, string workload, string serviceAccount)
    {
        _impostorPort = await surfaces.InboundPortAsync(workload);
        _impostorAccount = serviceAccount;
        await config.ApplyTextAsync(Impostor(host, subjectAltName: null), "impostor.yaml");
    }

    private int _impostorPort;
    private string _impostorAccount = "";

    [When("the DestinationRule of {string} names {string} in its subjectAltNames")]
    public Task WhenTheRuleNames(string host, string identity) => config.ApplyTextAsync(Impostor(host, identity), "impostor.yaml");

    [Then("requests for {string} through the gateway are answered {int} with the flag {string}")]
    public async Task ThenAnsweredWithFlag(string host, int status, string flag)
    {
        await AskUntilAsync(host, () => (int?)surfaces.LastStatus == status && surfaces.LastFlags.Split(',').Contains(flag));
        Assert.True((int?)surfaces.LastStatus == status && surfaces.LastFlags.Split(',').Contains(flag),
            $"wanted {status} {flag}, got {(int?)surfaces.LastStatus} {surfaces.LastFlags}: {surfaces.LastBody}");
    }

    [Then("requests for {string} through the gateway are answered {int}")]
    public async Task ThenAnswered(string host, int status)
    {
        await AskUntilAsync(host, () => (int?)surfaces.LastStatus == status);
        Assert.True((int?)surfaces.LastStatus == status, $"wanted {status}, got {(int?)surfaces.LastStatus} {surfaces.LastFlags}: {surfaces.LastBody}");
    }

    /// <summary>
    /// Asks the gateway until the answer is the one wanted, for at most 30 s: an applied change can reach the gateway
    /// one push after the proxies report SYNCED (a registry push may be ACKed while the change is still debounced).
    /// The caller then asserts the last answer exactly.
    /// </summary>
    private async Task AskUntilAsync(string host, Func<bool> wanted)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await surfaces.GatewayAsync("GET", host, "/details/0");
            if (wanted() || patience.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    [Then("the answer names {string} as the identity it got")]
    public void ThenTheAnswerNames(string identity) => Assert.Contains($"the upstream is {identity}", surfaces.LastBody, StringComparison.Ordinal);

    private string Impostor(string host, string? subjectAltName) => $$"""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: impostor}
        spec:
          hosts: [impostor.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints:
          - address: 127.0.0.1
            serviceAccount: {{_impostorAccount}}
            ports: {http: {{ControlSurfaceDriver.Format(_impostorPort)}}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: impostor}
        spec:
          host: impostor.default.svc.cluster.local
          trafficPolicy:
            tls:
              mode: ISTIO_MUTUAL
        {{(subjectAltName is null ? "" : $"      subjectAltNames: [\"{subjectAltName}\"]\n")}}---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: impostor}
        spec:
          hosts: [{{host}}]
          gateways: [bookinfo-gateway]
          http:
          - route:
            - destination:
                host: impostor.default.svc.cluster.local
                port: {number: 9080}
        """;

    [When("a body of {int} MB is submitted to the control plane")]
    public async Task WhenAHugeBodyIsSubmitted(int megabytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.ControlPlane, "/api/config"))
        {
            Content = new StringContent(new string('#', megabytes * 1024 * 1024), System.Text.Encoding.UTF8, "application/yaml"),
        };
        using var response = await http.SendAsync(request);
        await surfaces.RecordAsync(response);
    }

    [When("a half-saved file {string} is written into the config folder")]
    public void WhenAHalfSavedFile(string name) =>
        surfaces.WriteConfigFile(name, "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: half-saved}\nspec:\n  hosts: [details\n");

    [Then("the control plane reports {string} in {string}")]
    public async Task ThenTheControlPlaneReports(string code, string file)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await surfaces.ConfigStatusAsync();
            var findings = status.GetProperty("rejectedFindings").EnumerateArray().ToArray();
            if (findings.Any(f => f.GetProperty("code").GetString() == code && f.GetProperty("file").GetString()!.EndsWith(file, StringComparison.Ordinal)))
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"the control plane did not report {code} in {file}: {status}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    [When("the control plane is killed")]
    public Task WhenTheControlPlaneIsKilled() => chaos.RunAsync(new StopInstance(chaos.Instances, "controlplane"));

    [Then("the control plane comes back by itself")]
    public async Task ThenTheControlPlaneComesBack()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await mesh.App.ResourceNotifications.WaitForResourceHealthyAsync("controlplane", timeout.Token);
    }

    [Then("an anonymous call to Aspire's resource service is refused with {int}")]
    public async Task ThenTheResourceServiceRefuses(int status) => Assert.Equal(status, (int)await surfaces.ResourceServiceAnonymouslyAsync());

    [Then("the dashboard sends an anonymous browser to its login page")]
    public async Task ThenTheDashboardAsksForLogin()
    {
        var (status, location) = await surfaces.DashboardAnonymouslyAsync();
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Contains("/login", location, StringComparison.Ordinal);
    }

    [Then("no resource's environment holds a token or a key of the mesh")]
    public void ThenNoSecretIsInAnEnvironment()
    {
        var secrets = surfaces.Secrets();
        var environments = surfaces.Environments().ToArray();
        Assert.Contains(environments, e => e.Name == "Mesh__ServiceAccountTokenFile");
        var leaked = environments.Where(e => secrets.Any(s => e.Value.Contains(s, StringComparison.Ordinal))).Select(e => $"{e.Resource}: {e.Name}").ToArray();
        Assert.True(leaked.Length == 0, $"secrets in environments: {string.Join(", ", leaked)}");
    }

    [When("a malformed login is posted through the gateway")]
    public Task WhenAMalformedLogin() => surfaces.GatewayAsync("POST", "bookinfo.example", "/login", "{\"username\": [", "application/json");

    [Then("the answer holds no stack trace")]
    public void ThenNoStackTrace()
    {
        Assert.NotNull(surfaces.LastStatus);
        Assert.DoesNotMatch(@"\bat [A-Z][\w.]+\(|Exception:|\.cs:line", surfaces.LastBody);
    }

    public void Dispose() => _listener?.Dispose();
}
