using System.Diagnostics;
using System.Net;
using Mesh.Security;

namespace Mesh.Benchmarks;

/// <summary>One way to the backend: its URL, the processes that carry it (whose CPU and memory count) and a status line.</summary>
public sealed record BenchPath(string Name, Uri Url, IReadOnlyList<Process> Carriers, string? Unavailable = null);

/// <summary>
/// Everything the benchmark runs, each a real process on 127.0.0.1: the backend, the control plane, a client
/// sidecar and a server sidecar (mutual TLS between them), the ingress gateway, a bare YARP forwarder, nginx and
/// HAProxy (when installed).
/// </summary>
public sealed class Topology : IAsyncDisposable
{
    public const int BackendPort = 19001, BackendGrpcPort = 19002;
    private const int Discovery = 19010, Admin = 19014, ClientOutbound = 19101, ServerInbound = 19102, ClientDirect = 19103,
        ClientOutboundGrpc = 19104, ServerInboundGrpc = 19105,
        GatewayPort = 19201, YarpPort = 19251, NginxPort = 19301, HaproxyPort = 19401;

    private readonly List<Process> _processes = [];
    private readonly string _work = Directory.CreateTempSubdirectory("mesh-bench-").FullName;
    private readonly string _bin = AppContext.BaseDirectory;
    private readonly byte[] _tokenKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    public List<BenchPath> Paths { get; } = [];

    /// <summary>The gRPC paths: direct to the backend's gRPC port, and through both sidecars with mutual TLS.</summary>
    public List<BenchPath> GrpcPaths { get; } = [];

    public Process? ClientSidecar { get; private set; }

    public static async Task<Topology> StartAsync(TextWriter log)
    {
        var topology = new Topology();
        try
        {
            await topology.StartAllAsync(log);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(TextWriter log)
    {
        // A process left from an earlier run would answer in place of this run's and be measured instead.
        int[] ports = [BackendPort, BackendGrpcPort, Discovery, Admin, ClientOutbound, ServerInbound, ClientDirect, ClientOutboundGrpc, ServerInboundGrpc,
            GatewayPort, YarpPort, NginxPort, HaproxyPort, 19501, 19502, 19503];
        foreach (var port in ports)
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
            try
            {
                probe.Start();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new InvalidOperationException($"port {port} is taken (a process left from an earlier run?): {e.Message}");
            }
        }

        var backend = Start("backend", "dotnet", [Path.Combine(_bin, "mesh-bench.dll"), "backend"], []);
        File.WriteAllText(Path.Combine(_work, "bench.yaml"), Config);
        Start("controlplane", "dotnet", [Path.Combine(_bin, "mesh-controlplane.dll")], new()
        {
            ["ControlPlane__ConfigDirectory"] = _work,
            ["ControlPlane__GrpcListen"] = $"127.0.0.1:{Discovery}",
            ["ControlPlane__HttpListen"] = $"127.0.0.1:{Admin}",
            ["ControlPlane__TokenKey"] = Convert.ToBase64String(_tokenKey),
        });
        var server = Proxy("server-sidecar", "backend-v1", "backend", 19502, new()
        {
            ["Mesh__Inbound__0__Name"] = "http",
            ["Mesh__Inbound__0__ServicePort"] = "80",
            ["Mesh__Inbound__0__Listen"] = $"127.0.0.1:{ServerInbound}",
            ["Mesh__Inbound__0__App"] = $"127.0.0.1:{BackendPort}",
            ["Mesh__Inbound__1__Name"] = "grpc",
            ["Mesh__Inbound__1__ServicePort"] = "9000",
            ["Mesh__Inbound__1__Listen"] = $"127.0.0.1:{ServerInboundGrpc}",
            ["Mesh__Inbound__1__App"] = $"127.0.0.1:{BackendGrpcPort}",
        });
        ClientSidecar = Proxy("client-sidecar", "client-v1", "client", 19501, new()
        {
            ["Mesh__Outbound__0__Service"] = "backend",
            ["Mesh__Outbound__0__Port"] = "80",
            ["Mesh__Outbound__0__PortName"] = "http",
            ["Mesh__Outbound__0__Listen"] = $"127.0.0.1:{ClientOutbound}",
            ["Mesh__Outbound__1__Service"] = "direct-backend.example",
            ["Mesh__Outbound__1__Port"] = "80",
            ["Mesh__Outbound__1__PortName"] = "http",
            ["Mesh__Outbound__1__Listen"] = $"127.0.0.1:{ClientDirect}",
            ["Mesh__Outbound__2__Service"] = "backend",
            ["Mesh__Outbound__2__Port"] = "9000",
            ["Mesh__Outbound__2__PortName"] = "grpc",
            ["Mesh__Outbound__2__Listen"] = $"127.0.0.1:{ClientOutboundGrpc}",
        });
        var gateway = Proxy("gateway", "istio-ingressgateway", "istio-ingressgateway", 19503, new()
        {
            ["Mesh__Mode"] = "Gateway",
            ["Mesh__GatewayListen__0"] = $"127.0.0.1:{GatewayPort}",
            ["Mesh__Workload__Labels__istio"] = "ingressgateway",
        });
        var yarp = Start("yarp-bare", "dotnet", [Path.Combine(_bin, "mesh-bench.dll"), "yarp", YarpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)], []);

        Paths.Add(new BenchPath("direct", Url(BackendPort), []));
        Paths.Add(new BenchPath("one sidecar", Url(ClientDirect), [ClientSidecar]));
        Paths.Add(new BenchPath("two sidecars, mTLS", Url(ClientOutbound), [ClientSidecar, server]));
        Paths.Add(new BenchPath("gateway", Url(GatewayPort), [gateway, server]));
        Paths.Add(new BenchPath("yarp-bare", Url(YarpPort), [yarp]));
        Paths.Add(Peer("nginx", "/usr/sbin/nginx", NginxPort, port => ["-c", WriteFile("nginx.conf", NginxConfig(port)), "-g", "daemon off;"]));
        Paths.Add(Peer("haproxy", "/usr/sbin/haproxy", HaproxyPort, port => ["-db", "-f", WriteFile("haproxy.cfg", HaproxyConfig(port))]));

        GrpcPaths.Add(new BenchPath("direct", Url(BackendGrpcPort), []));
        GrpcPaths.Add(new BenchPath("two sidecars, mTLS", Url(ClientOutboundGrpc), [ClientSidecar, server]));

        foreach (var path in Paths.Where(p => p.Unavailable is null))
        {
            await WaitAsync(path, log);
        }

        foreach (var path in GrpcPaths)
        {
            await WaitForGrpcAsync(path, log);
        }

        _ = backend;
    }

    private Process Proxy(string label, string workload, string app, int admin, Dictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["Mesh__Mode"] = "Sidecar",
            ["Mesh__ControlPlane"] = $"http://127.0.0.1:{Discovery}",
            ["Mesh__Admin"] = $"127.0.0.1:{admin}",
            ["Mesh__Workload__Name"] = workload,
            ["Mesh__Workload__ServiceAccount"] = app,
            ["Mesh__Workload__Labels__app"] = app,
            ["Mesh__Workload__Labels__version"] = "v1",
            ["Mesh__ServiceAccountToken"] = ServiceAccountTokens.Issue(_tokenKey, "default", app, TimeSpan.FromHours(2), TimeProvider.System),
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        // MESH_BENCH_PROXY_X=v sets X=v for the mesh's proxies only (runtime knobs such as DOTNET_gcServer, to compare).
        foreach (var entry in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>())
        {
            if (entry.Key is string key && key.StartsWith("MESH_BENCH_PROXY_", StringComparison.Ordinal))
            {
                environment[key["MESH_BENCH_PROXY_".Length..]] = (string?)entry.Value ?? "";
            }
        }

        return Start(label, "dotnet", [Path.Combine(_bin, "mesh-proxy.dll")], environment);
    }

    private BenchPath Peer(string name, string binary, int port, Func<int, string[]> arguments) =>
        File.Exists(binary)
            ? new BenchPath(name, Url(port), [Start(name, binary, arguments(port), [])])
            : new BenchPath(name, Url(port), [], $"{binary} is not installed (apt-get install {name})");

    private async Task WaitAsync(BenchPath path, TextWriter log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await _http.GetAsync(path.Url);
                if (response.IsSuccessStatusCode && (await response.Content.ReadAsByteArrayAsync()).Length == Backend.Body.Length)
                {
                    log.WriteLine($"ready: {path.Name} ({path.Url})");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"{path.Name} at {path.Url} did not answer 200 with the backend's body within 90 s");
    }

    /// <summary>A real gRPC call answers through the path (the h2load runs then send the same call as raw frames).</summary>
    private static async Task WaitForGrpcAsync(BenchPath path, TextWriter log)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(path.Url);
        var client = new Mesh.Proxy.Tests.Echo.Echo.EchoClient(channel);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                var reply = await client.SayAsync(Backend.GrpcRequest, deadline: DateTime.UtcNow.AddSeconds(5));
                if (reply.Text == Backend.GrpcRequest.Text)
                {
                    log.WriteLine($"ready: {path.Name} gRPC ({path.Url})");
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException($"{path.Name} gRPC at {path.Url} did not answer within 90 s");
            }

            await Task.Delay(200);
        }
    }

    private Process Start(string label, string file, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {label}");
        var output = Path.Combine(_work, $"{label}.log");
        _ = Task.Run(async () => await File.WriteAllTextAsync(output, await process.StandardOutput.ReadToEndAsync()));
        _ = Task.Run(async () => await File.WriteAllTextAsync(output + ".err", await process.StandardError.ReadToEndAsync()));
        _processes.Add(process);
        return process;
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Uri Url(int port) => new($"http://127.0.0.1:{port}/");

    private string NginxConfig(int port) => $$"""
        worker_processes 1;
        pid {{_work}}/nginx.pid;
        error_log {{_work}}/nginx-error.log;
        events { worker_connections 1024; }
        http {
          access_log off;
          client_body_temp_path {{_work}}/nginx-body;
          proxy_temp_path {{_work}}/nginx-proxy;
          fastcgi_temp_path {{_work}}/nginx-fastcgi;
          uwsgi_temp_path {{_work}}/nginx-uwsgi;
          scgi_temp_path {{_work}}/nginx-scgi;
          upstream backend { server 127.0.0.1:{{BackendPort}}; keepalive 64; }
          server {
            listen 127.0.0.1:{{port}};
            location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
          }
        }
        """;

    private static string HaproxyConfig(int port) => $$"""
        global
          nbthread 1
        defaults
          mode http
          timeout connect 5s
          timeout client 30s
          timeout server 30s
          http-reuse safe
        frontend bench
          bind 127.0.0.1:{{port}}
          default_backend backend
        backend backend
          server b1 127.0.0.1:{{BackendPort}}

        """;

    // Access logs off mesh-wide, as in Istio's default profile (the mesh's own default is on, for the demo);
    // metrics and trace propagation stay on.
    private static readonly string Config = $$"""
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata:
          name: mesh-default
          namespace: istio-system
        spec:
          accessLogging:
          - disabled: true
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: direct-backend
        spec:
          hosts: [direct-backend.example]
          location: MESH_EXTERNAL
          resolution: STATIC
          ports:
          - {number: 80, name: http, protocol: HTTP}
          endpoints:
          - address: 127.0.0.1
            ports: {http: {{BackendPort}}}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: bench-gateway
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: {{GatewayPort}}, name: http, protocol: HTTP}
            hosts: ["*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: bench
        spec:
          hosts: ["*"]
          gateways: [bench-gateway]
          http:
          - route:
            - destination:
                host: backend
                port: {number: 80}
        """;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        _http.Dispose();
    }
}
