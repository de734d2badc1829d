using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.TestSupport;

namespace Mesh.ControlPlane.Tests.Kubernetes;

/// <summary>
/// The control plane following a Kubernetes API (the test double in <see cref="FakeKubernetesApi"/>): the registry from
/// Pods, EndpointSlices and Services, the config from Istio's custom resources, kept by watches that resume from
/// bookmarks and relist after 410 Gone.
/// </summary>
public sealed class KubernetesDiscoveryTests : IAsyncLifetime
{
    private const string Pods = "/api/v1/pods";
    private const string Slices = "/apis/discovery.k8s.io/v1/endpointslices";
    private const string Services = "/api/v1/services";
    private const string VirtualServices = "/apis/networking.istio.io/v1/virtualservices";

    private readonly TempDirectory _config = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private FakeKubernetesApi _api = null!;
    private ControlPlaneHost _controlPlane = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _api.Put(Services, Service("reviews"));
        _api.Put(Pods, Pod("reviews-v1-6d8b7c9f4-abcde", "reviews", "v1", "10.0.0.11"));
        _api.Put(Slices, Slice("reviews-x1", "reviews", ("reviews-v1-6d8b7c9f4-abcde", "10.0.0.11")));
        _api.Put(VirtualServices, VirtualService("reviews"));
        _controlPlane = await ControlPlaneHost.StartAsync(_config.Path, settings: new Dictionary<string, string?>
        {
            ["ControlPlane:Discovery"] = "Kubernetes",
            ["ControlPlane:Admin:Editors:0"] = "system:serviceaccount:istio-system:meshctl",
            ["ControlPlane:KubernetesApi"] = _api.Address.ToString(),
        }, webhook: true);
        _http.DefaultRequestHeaders.Authorization = new("Bearer", _controlPlane.OperatorToken);
    }

    [Fact]
    public async Task AdminApi_TakesTokensTheApiServerReviews_AndLeavesConfigToTheCustomResources()
    {
        _api.Tokens["kubectl-create-token-meshctl"] = "system:serviceaccount:istio-system:meshctl";
        _api.Tokens["someone-elses-token"] = "system:serviceaccount:default:bookinfo-details";
        using var editor = new HttpClient { BaseAddress = _controlPlane.AdminAddress };
        editor.DefaultRequestHeaders.Authorization = new("Bearer", "kubectl-create-token-meshctl");
        using var other = new HttpClient { BaseAddress = _controlPlane.AdminAddress };
        other.DefaultRequestHeaders.Authorization = new("Bearer", "someone-elses-token");
        using var unknown = new HttpClient { BaseAddress = _controlPlane.AdminAddress };
        unknown.DefaultRequestHeaders.Authorization = new("Bearer", "a-token-the-api-server-does-not-know");

        using var read = await editor.GetAsync("/api/registry");
        using var apply = await editor.PostAsync("/api/config", new StringContent("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec: {host: x}\n", System.Text.Encoding.UTF8, "application/yaml"));
        using var refused = await other.GetAsync("/api/registry");
        using var invalid = await unknown.GetAsync("/api/registry");

        Assert.Equal(System.Net.HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, apply.StatusCode);
        Assert.Contains("kubectl apply", await apply.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, invalid.StatusCode);
        Assert.Contains("(api server)", _api.ReviewedAudiences);
    }

    [Fact]
    public async Task Start_ListsTheApi_RegistryFromPodsAndSlices_ConfigFromCustomResources()
    {
        var workload = await WorkloadAsync("10.0.0.11");

        Assert.Equal("reviews-v1", workload.GetProperty("name").GetString());
        Assert.Equal("bookinfo-reviews", workload.GetProperty("serviceAccount").GetString());
        Assert.Equal("v1", workload.GetProperty("labels").GetProperty("version").GetString());
        Assert.Equal(9080, workload.GetProperty("ports")[0].GetProperty("servicePort").GetInt32());
        await Eventually.Until(async () => (await ConfigAsync()).Contains("VirtualService/default/reviews"),
            "the VirtualService from the API");
    }

    [Fact]
    public async Task Start_WritesTheCaRootsIntoTheWebhooksCaBundle()
    {
        var patch = await Eventually.Until(() => Task.FromResult(_api.Patches.FirstOrDefault()), p => p.Body is not null, "the webhook configuration to be patched");

        Assert.Equal("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/mesh-sidecar-injector", patch.Path);
        Assert.StartsWith("application/json-patch+json", patch.ContentType, StringComparison.Ordinal);
        var bundle = JsonNode.Parse(patch.Body)![0]!["value"]!.GetValue<string>();
        Assert.Contains("-----BEGIN CERTIFICATE-----", System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(bundle)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_ProjectedTokenCheckedByTokenReview_IsIssuedForItsServiceAccount()
    {
        _api.Tokens["projected-token-of-reviews"] = "system:serviceaccount:default:bookinfo-reviews";
        var token = _config.Write("mesh-token", "projected-token-of-reviews\n");
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:ControlPlane"] = _controlPlane.GrpcAddress.ToString(),
            ["Mesh:Workload:Name"] = "reviews-v1",
            ["Mesh:Workload:ServiceAccount"] = "bookinfo-reviews",
            ["Mesh:ServiceAccountTokenFile"] = token,
        });

        var certs = await Eventually.Until(async () => await _http.GetFromJsonAsync<JsonElement>(new Uri(proxy.AdminAddress, "/certs")),
            c => c.GetProperty("serial").ValueKind == JsonValueKind.String, "the proxy's certificate");

        Assert.Equal("spiffe://cluster.local/ns/default/sa/bookinfo-reviews", certs.GetProperty("identity").GetString());
        Assert.Contains("mesh-ca", _api.ReviewedAudiences);
    }

    [Fact]
    public async Task Certificate_TokenTheApiDoesNotAuthenticate_IsRefused()
    {
        var token = _config.Write("mesh-token", "stolen\n");
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mesh:ControlPlane"] = _controlPlane.GrpcAddress.ToString(),
            ["Mesh:Workload:Name"] = "reviews-v1",
            ["Mesh:Workload:ServiceAccount"] = "bookinfo-reviews",
            ["Mesh:ServiceAccountTokenFile"] = token,
        });

        await Eventually.Until(() => Task.FromResult(_controlPlane.Logs.Lines.Any(l => l.Contains("did not authenticate the token: invalid bearer token", StringComparison.Ordinal))),
            "the CA to refuse the certificate");
        using var ready = await _http.GetAsync(new Uri(proxy.AdminAddress, "/healthz/ready"));
        Assert.False(ready.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Watch_NewPodAndDeletedOne_UpdateTheRegistryWithoutAnotherList()
    {
        await WorkloadAsync("10.0.0.11");
        var lists = Lists(Pods);

        _api.Put(Pods, Pod("reviews-v2-7f9c8d6b5-fghij", "reviews", "v2", "10.0.0.12"));
        _api.Put(Slices, Slice("reviews-x1", "reviews", ("reviews-v1-6d8b7c9f4-abcde", "10.0.0.11"), ("reviews-v2-7f9c8d6b5-fghij", "10.0.0.12")));
        Assert.Equal("reviews-v2", (await WorkloadAsync("10.0.0.12")).GetProperty("name").GetString());

        _api.Put(Slices, Slice("reviews-x1", "reviews", ("reviews-v2-7f9c8d6b5-fghij", "10.0.0.12")));
        _api.Delete(Pods, "default", "reviews-v1-6d8b7c9f4-abcde");
        await Eventually.Until(async () => !(await RegistryAsync()).Contains("10.0.0.11", StringComparison.Ordinal), "reviews-v1 to leave the registry");
        Assert.Equal(lists, Lists(Pods));
    }

    [Fact]
    public async Task Watch_EndedAfterABookmark_ResumesFromTheBookmarksVersion()
    {
        await WorkloadAsync("10.0.0.11");
        await Eventually.Until(() => Task.FromResult(_api.Requests.Any(r => r.Path == Pods && r.Watch)), "a watch of pods");
        _api.Put(Services, Service("details"));
        var bookmark = _api.Bookmark();
        await Task.Yield();

        // The bookmark arrives before the stream ends, so the resumed watch asks for at least its version.
        await Eventually.Until(async () =>
        {
            _api.EndWatches();
            await Task.Delay(50);
            return _api.Requests.Any(r => r.Path == Pods && r.Watch && long.Parse(r.ResourceVersion!) >= bookmark);
        }, "pods to be watched again from the bookmark");
        Assert.Equal(1, Lists(Pods));
    }

    [Fact]
    public async Task Watch_Gone_RelistsAndCatchesUp()
    {
        await WorkloadAsync("10.0.0.11");
        await Eventually.Until(() => Task.FromResult(_api.Requests.Any(r => r.Path == Slices && r.Watch)), "a watch of slices");

        // The control plane misses these events, and by the time it comes back the API has compacted them away.
        _api.HoldEvents();
        _api.Put(Pods, Pod("reviews-v3-5b6c7d8e9-klmno", "reviews", "v3", "10.0.0.13"));
        _api.Put(Slices, Slice("reviews-x1", "reviews", ("reviews-v1-6d8b7c9f4-abcde", "10.0.0.11"), ("reviews-v3-5b6c7d8e9-klmno", "10.0.0.13")));
        _api.Compact();
        _api.EndWatches();

        Assert.Equal("reviews-v3", (await WorkloadAsync("10.0.0.13")).GetProperty("name").GetString());
        Assert.True(Lists(Slices) >= 2, "the slices were listed again after 410 Gone");
    }

    [Fact]
    public async Task CustomResource_Invalid_IsRefusedWithItsSource_AndTheLastGoodConfigStays()
    {
        await Eventually.Until(async () => (await ConfigAsync()).Contains("VirtualService/default/reviews"), "the VirtualService from the API");

        var broken = VirtualService("ratings");
        broken["spec"]!["http"]![0]!["route"]![0]!["weight"] = -1;
        broken["spec"]!["http"]![0]!["route"]!.AsArray().Add(new JsonObject { ["destination"] = new JsonObject { ["host"] = "ratings" }, ["weight"] = 20 });
        _api.Put(VirtualServices, broken);

        await Eventually.Until(async () =>
        {
            var status = await _http.GetFromJsonAsync<JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/config/status"));
            return status.GetProperty("lastChangeRejected").GetBoolean() &&
                status.GetProperty("rejectedFindings").ToString().Contains("kubernetes:VirtualService/default/ratings", StringComparison.Ordinal);
        }, "the broken custom resource to be refused");
        var served = await ConfigAsync();
        Assert.Contains("VirtualService/default/reviews", served);
        Assert.DoesNotContain("VirtualService/default/ratings", served);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _controlPlane.DisposeAsync();
        await _api.DisposeAsync();
        _config.Dispose();
    }

    private int Lists(string path)
    {
        lock (_api.Requests)
        {
            return _api.Requests.Count(r => r.Path == path && !r.Watch);
        }
    }

    private async Task<string> RegistryAsync() => await _http.GetStringAsync(new Uri(_controlPlane.AdminAddress, "/api/registry"));

    private async Task<JsonElement> WorkloadAsync(string address) => await Eventually.Until(async () =>
        (await _http.GetFromJsonAsync<JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/registry"))).GetProperty("workloads").EnumerateArray()
            .FirstOrDefault(w => w.GetProperty("address").GetString() == address),
        w => w.ValueKind == JsonValueKind.Object, $"the workload at {address} in the registry");

    private async Task<List<string>> ConfigAsync() =>
        [.. (await _http.GetFromJsonAsync<JsonElement>(new Uri(_controlPlane.AdminAddress, "/api/config"))).EnumerateArray()
            .Select(r => $"{r.GetProperty("kind").GetString()}/{r.GetProperty("namespace").GetString()}/{r.GetProperty("name").GetString()}")];

    private static JsonObject Service(string name) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["app"] = name }, ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 9080, ["targetPort"] = 9080 }) },
    };

    private static JsonObject Pod(string name, string app, string version, string ip) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name, ["namespace"] = "default",
            ["labels"] = new JsonObject { ["app"] = app, ["version"] = version, ["pod-template-hash"] = name.Split('-')[2] },
            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = name[..name.LastIndexOf('-')], ["uid"] = "u", ["controller"] = true }),
        },
        ["spec"] = new JsonObject { ["serviceAccountName"] = $"bookinfo-{app}", ["containers"] = new JsonArray(new JsonObject { ["name"] = app, ["image"] = app }) },
        ["status"] = new JsonObject { ["podIP"] = ip },
    };

    private static JsonObject Slice(string name, string service, params (string Pod, string Ip)[] endpoints) => new()
    {
        ["apiVersion"] = "discovery.k8s.io/v1", ["kind"] = "EndpointSlice", ["addressType"] = "IPv4",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service } },
        ["endpoints"] = new JsonArray([.. endpoints.Select(e => (JsonNode)new JsonObject
        {
            ["addresses"] = new JsonArray(e.Ip),
            ["conditions"] = new JsonObject { ["ready"] = true },
            ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["name"] = e.Pod, ["namespace"] = "default" },
        })]),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 9080, ["protocol"] = "TCP" }),
    };

    private static JsonObject VirtualService(string host) => new()
    {
        ["apiVersion"] = "networking.istio.io/v1", ["kind"] = "VirtualService",
        ["metadata"] = new JsonObject { ["name"] = host, ["namespace"] = "default", ["resourceVersion"] = "0", ["uid"] = "x", ["generation"] = 1 },
        ["spec"] = new JsonObject
        {
            ["hosts"] = new JsonArray(host),
            ["http"] = new JsonArray(new JsonObject { ["route"] = new JsonArray(new JsonObject { ["destination"] = new JsonObject { ["host"] = host }, ["weight"] = 100 }) }),
        },
    };
}
