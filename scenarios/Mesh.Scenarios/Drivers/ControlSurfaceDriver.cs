using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.Discovery;
using Mesh.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// The mesh's own control surfaces as an attacker on the same host meets them: the control plane's admin API, a
/// sidecar's admin listener, the discovery stream, Aspire's resource service and dashboard, and the config folder. It
/// notes the mesh's state first, so a scenario can show that a refused attack changed nothing.
/// </summary>
public sealed class ControlSurfaceDriver(RunningMesh mesh, HttpClient operatorHttp, ControlPlaneDriver controlPlane) : IDisposable
{
    private readonly HttpClient _anonymous = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _writtenFiles = [];
    private (string Config, string Registry)? _noted;

    public HttpStatusCode? LastStatus { get; private set; }

    public string LastBody { get; set; } = "";

    public StatusCode? LastGrpcStatus { get; private set; }

    /// <summary>Remembers what the mesh serves now: its config and its registry (once only the mesh's own workloads are in it).</summary>
    public async Task NoteStateAsync()
    {
        var expected = RunningMesh.Workloads.Append("istio-ingressgateway").Order(StringComparer.Ordinal).ToArray();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var registry = JsonDocument.Parse(await operatorHttp.GetStringAsync(new Uri(mesh.ControlPlane, "/api/registry"), timeout.Token));
            var names = registry.RootElement.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("name").GetString()!).Order(StringComparer.Ordinal);
            if (names.SequenceEqual(expected))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
        }

        _noted = await StateAsync();
    }

    /// <summary>The config and the registry are as noted, and readers are served as before.</summary>
    public async Task AssertUnchangedAsync()
    {
        var noted = _noted ?? throw new InvalidOperationException("the mesh's state was not noted");
        var now = await StateAsync();
        Assert.Equal(noted.Config, now.Config);
        Assert.Equal(noted.Registry, now.Registry);
        for (var i = 0; i < 10; i++)
        {
            using var page = await _anonymous.GetAsync(new Uri(mesh.Gateway, "/productpage"));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
    }

    private async Task<(string Config, string Registry)> StateAsync()
    {
        var config = await operatorHttp.GetStringAsync(new Uri(mesh.ControlPlane, "/api/config/export"));
        using var registry = JsonDocument.Parse(await operatorHttp.GetStringAsync(new Uri(mesh.ControlPlane, "/api/registry")));
        var workloads = registry.RootElement.GetProperty("workloads").EnumerateArray()
            .Select(w => $"{w.GetProperty("namespace").GetString()}/{w.GetProperty("name").GetString()} {w.GetProperty("serviceAccount").GetString()} " +
                $"{string.Join(",", w.GetProperty("labels").EnumerateObject().Select(l => $"{l.Name}={l.Value.GetString()}"))} {w.GetProperty("address").GetString()}")
            .Order(StringComparer.Ordinal);
        return (config, string.Join("\n", workloads));
    }

    /// <summary>A request to the control plane's admin API with no credential, or with the operator's browser session.</summary>
    public async Task ControlPlaneAsync(string method, string path, string? body = null, string? contentType = null, string? origin = null, bool operatorSession = false)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(mesh.ControlPlane, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/yaml");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (operatorSession)
        {
            request.Headers.Add("Cookie", $"mesh-console={await SessionAsync()}");
        }

        await RecordAsync(request);
    }

    /// <summary>Logs in as the console does and returns the session cookie's value.</summary>
    private async Task<string> SessionAsync()
    {
        using var login = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.ControlPlane, "/console/session"))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { key = mesh.OperatorCredential.ConsoleLoginKey }), Encoding.UTF8, "application/json"),
        };
        using var response = await _anonymous.SendAsync(login);
        response.EnsureSuccessStatusCode();
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        return cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>A runtime fault written to a sidecar's admin listener, with no credential, from a page's origin if given.</summary>
    public async Task SidecarRuntimeModifyAsync(string workload, string query, string? origin = null, bool operatorToken = false)
    {
        var proxy = (await controlPlane.ProxiesAsync()).Single(p => p.Workload == workload);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{proxy.AdminAddress}/runtime_modify?{query}"))
        {
            Content = new StringContent("x", Encoding.UTF8, "text/plain"),
        };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (operatorToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mesh.OperatorCredential.Token);
        }

        await RecordAsync(request);
    }

    public async Task<string> SidecarRuntimeAsync(string workload)
    {
        var proxy = (await controlPlane.ProxiesAsync()).Single(p => p.Workload == workload);
        return await _anonymous.GetStringAsync(new Uri($"http://{proxy.AdminAddress}/runtime"));
    }

    private readonly List<AttackerStream> _streams = [];

    /// <summary>
    /// Opens a discovery stream and says hello, as a proxy does; records the status it ends with (OK when a snapshot
    /// came, so it was accepted). An accepted stream stays open until the scenario ends or it is hung up.
    /// </summary>
    public async Task<AttackerStream> RegisterAsync(string? token, ProxyHello hello, string dump = "{}")
    {
        var stream = new AttackerStream(new Uri($"http://127.0.0.1:{mesh.Discovery.Port}"), token, hello, dump);
        _streams.Add(stream);
        LastGrpcStatus = await stream.Outcome.WaitAsync(TimeSpan.FromSeconds(30));
        return stream;
    }

    /// <summary>One discovery stream an attacker holds: it ACKs snapshots and answers config dump requests.</summary>
    public sealed class AttackerStream : IAsyncDisposable
    {
        private readonly GrpcChannel _channel;
        private readonly AsyncDuplexStreamingCall<ProxyMessage, ControlPlaneMessage> _call;
        private readonly TaskCompletionSource<StatusCode> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _loop;

        public AttackerStream(Uri discovery, string? token, ProxyHello hello, string dump)
        {
            _channel = GrpcChannel.ForAddress(discovery);
            var headers = token is null ? null : new Metadata { { "authorization", $"Bearer {token}" } };
            _call = new MeshDiscovery.MeshDiscoveryClient(_channel).Connect(headers);
            _loop = Task.Run(async () =>
            {
                try
                {
                    await _call.RequestStream.WriteAsync(new ProxyMessage { Hello = hello });
                    while (await _call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                        var message = _call.ResponseStream.Current;
                        if (message.Snapshot is { } snapshot)
                        {
                            await _call.RequestStream.WriteAsync(new ProxyMessage { Response = new PushResponse { Version = snapshot.Version, Nonce = snapshot.Nonce, Ack = true } });
                            _outcome.TrySetResult(StatusCode.OK);
                        }
                        else if (message.ConfigDumpRequest is { } request)
                        {
                            DumpRequests++;
                            await _call.RequestStream.WriteAsync(new ProxyMessage { ConfigDump = new ConfigDumpResponse { RequestId = request.RequestId, Json = dump } });
                        }
                    }

                    _outcome.TrySetResult(StatusCode.Unknown);
                }
                catch (RpcException e)
                {
                    _outcome.TrySetResult(e.StatusCode);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
                {
                    _outcome.TrySetResult(StatusCode.Unavailable);
                }
            });
        }

        public Task<StatusCode> Outcome => _outcome.Task;

        /// <summary>Config dump requests the control plane sent over this stream.</summary>
        public int DumpRequests { get; private set; }

        /// <summary>Hangs up, as a proxy that goes away.</summary>
        public async ValueTask DisposeAsync()
        {
            _call.Dispose();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _channel.Dispose();
        }
    }

    /// <summary>A Hello for a workload, as a sidecar sends it.</summary>
    public static ProxyHello Hello(string workload, string app, string version, string serviceAccount, string admin = "127.0.0.1:1") => new()
    {
        ProxyId = $"{workload}.default",
        Kind = ProxyKind.Sidecar,
        AdminAddress = admin,
        Workload = new Workload
        {
            Name = workload,
            Namespace = "default",
            ServiceAccount = serviceAccount,
            Address = "127.0.0.1",
            Healthy = true,
            Labels = { ["app"] = app, ["version"] = version },
            Ports = { new WorkloadPort { Name = "http", ServicePort = 9080, Port = 1 } },
        },
    };

    /// <summary>A sidecar's own service-account token, read from the file the app host gave it (as an attacker who stole it would).</summary>
    public string StolenToken(string workload) =>
        File.ReadAllText(Environment(workload == "istio-ingressgateway" ? workload : $"{workload}-proxy", "Mesh__ServiceAccountTokenFile")).Trim();

    /// <summary>A token for a new workload, minted as the app host (the API server) mints one for a new pod.</summary>
    public string NewWorkloadToken(string workload, string app, string version, string serviceAccount)
    {
        var key = Convert.FromBase64String(File.ReadAllText(Environment("controlplane", "ControlPlane__TokenKeyFile")).Trim());
        return ServiceAccountTokens.Issue(key, "default", serviceAccount, TimeSpan.FromHours(1), TimeProvider.System,
            new BoundWorkload($"{workload}.default", workload, new Dictionary<string, string> { ["app"] = app, ["version"] = version }));
    }

    /// <summary>A resource's environment value, from its Aspire snapshot.</summary>
    public string Environment(string resource, string name) =>
        mesh.App.ResourceNotifications.TryGetCurrentState(resource, out var state) && state.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == name)?.Value is { } value
            ? value
            : throw new InvalidOperationException($"{resource} has no {name}; it has {string.Join(", ", Environments().Where(e => e.Resource == resource).Select(e => e.Name))}");

    /// <summary>Every secret of the mesh: the token key, every proxy's token, the operator's token.</summary>
    public IReadOnlyList<string> Secrets()
    {
        var secrets = new List<string>
        {
            File.ReadAllText(Environment("controlplane", "ControlPlane__TokenKeyFile")).Trim(),
            mesh.OperatorCredential.Token,
            mesh.OperatorCredential.ConsoleLoginKey,
        };
        secrets.AddRange(RunningMesh.Workloads.Append("istio-ingressgateway").Select(StolenToken));
        return secrets;
    }

    /// <summary>Each resource's environment as Aspire's resource service would hand it out.</summary>
    public IEnumerable<(string Resource, string Name, string Value)> Environments() =>
        mesh.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Select(r => mesh.App.ResourceNotifications.TryGetCurrentState(r.Name, out var state) ? state : null)
            .Where(s => s is not null)
            .SelectMany(s => s!.Snapshot.EnvironmentVariables.Select(e => (s.Resource.Name, e.Name, e.Value ?? "")));

    /// <summary>An anonymous gRPC call to Aspire's resource service (its GetApplicationInformation), as any local process could make it.</summary>
    public async Task<HttpStatusCode> ResourceServiceAnonymouslyAsync()
    {
        // Where the dashboard is told the resource service is (the test host may move it from the launch profile's port).
        var address = Environment("aspire-dashboard", "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(address), "/aspire.v1.DashboardService/GetApplicationInformation"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await http.SendAsync(request);
        LastBody = string.Join(",", response.TrailingHeaders.Select(h => $"{h.Key}={string.Join(";", h.Value)}"));
        return response.StatusCode;
    }

    public async Task<(HttpStatusCode Status, string? Location)> DashboardAnonymouslyAsync()
    {
        using var response = await _anonymous.GetAsync(mesh.Dashboard);
        return (response.StatusCode, response.Headers.Location?.ToString());
    }

    /// <summary>Writes a file into the control plane's config folder (removed after the scenario).</summary>
    public void WriteConfigFile(string name, string text)
    {
        var path = Path.Combine(Environment("controlplane", "ControlPlane__ConfigDirectory"), name);
        File.WriteAllText(path, text);
        _writtenFiles.Add(path);
    }

    public async Task<JsonElement> ConfigStatusAsync()
    {
        using var status = JsonDocument.Parse(await operatorHttp.GetStringAsync(new Uri(mesh.ControlPlane, "/api/config/status")));
        return status.RootElement.Clone();
    }

    /// <summary>A request through the gateway with a Host header, as a reader's browser sends it.</summary>
    public async Task GatewayAsync(string method, string host, string path, string? body = null, string? contentType = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(mesh.Gateway, path)) { Headers = { Host = host } };
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "text/plain");
        }

        await RecordAsync(request);
    }

    public string LastFlags { get; private set; } = "";

    private async Task RecordAsync(HttpRequestMessage request)
    {
        using var response = await _anonymous.SendAsync(request);
        await RecordAsync(response);
    }

    /// <summary>Keeps an answer's status, body and response flags for the Then steps.</summary>
    public async Task RecordAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        LastStatus = response.StatusCode;
        LastBody = await response.Content.ReadAsStringAsync();
        LastFlags = response.Headers.TryGetValues("x-mesh-response-flags", out var flags) ? flags.Single() : "";
    }

    /// <summary>The port a workload's sidecar takes mesh traffic on (its registered inbound port).</summary>
    public async Task<int> InboundPortAsync(string workload)
    {
        using var registry = JsonDocument.Parse(await operatorHttp.GetStringAsync(new Uri(mesh.ControlPlane, "/api/registry")));
        return registry.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == workload)
            .GetProperty("ports")[0].GetProperty("port").GetInt32();
    }

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var stream in _streams)
        {
            stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        foreach (var file in _writtenFiles.Where(File.Exists))
        {
            File.Delete(file);
        }

        _anonymous.Dispose();
    }
}
