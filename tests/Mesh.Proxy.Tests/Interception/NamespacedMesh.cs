using System.Diagnostics;
using System.Net;
using Mesh.Chaos.Network;
using Mesh.TestSupport;

namespace Mesh.Proxy.Tests.Interception;

/// <summary>
/// The real mesh processes in network namespaces made by the test: the init container's command, the control plane
/// and sidecars (as uid 1337) started with <c>ip netns exec</c>, and HTTP clients whose sockets live in a namespace.
/// </summary>
public sealed class NamespacedMesh : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _bin = AppContext.BaseDirectory;

    public NamespacedMesh(NamespacedHosts hosts) => Hosts = hosts;

    public NamespacedHosts Hosts { get; }

    public TempDirectory Home { get; } = new();

    /// <summary>Installs the pod's capture in a host's namespace with the proxy's own <c>iptables</c> command.</summary>
    public async Task InterceptAsync(NetworkHost host, string excludeInboundPorts = "15090,15021")
    {
        var init = Start(host, null, [Path.Combine(_bin, "mesh-proxy.dll"), "iptables", "--proxy-uid", "1337", "--inbound-port", "15006",
            "--outbound-port", "15001", "--exclude-inbound-ports", excludeInboundPorts], []);
        await init.WaitForExitAsync();
        Assert.True(init.ExitCode == 0, await init.StandardOutput.ReadToEndAsync() + await init.StandardError.ReadToEndAsync());
    }

    public void StartControlPlane(NetworkHost host, Dictionary<string, string> environment) =>
        Start(host, null, [Path.Combine(_bin, "mesh-controlplane.dll")], environment);

    /// <summary>Starts a sidecar as uid 1337 (the user the capture leaves alone) and waits until it is ready.</summary>
    public async Task StartSidecarAsync(NetworkHost host, Dictionary<string, string> environment)
    {
        environment["Mesh__Mode"] = "Sidecar";
        // The Kubernetes layout: the admin listener for the pod only, stats and health for the kubelet and Prometheus.
        environment["Mesh__Admin"] = "127.0.0.1:15000";
        environment["Mesh__StatsListen"] = "0.0.0.0:15090";
        environment["Mesh__HealthListen"] = "0.0.0.0:15021";
        environment["Mesh__OutboundCapture"] = "127.0.0.1:15001";
        environment["Mesh__InboundCapture"] = "0.0.0.0:15006";
        environment["Mesh__Workload__Address"] = host.Address.ToString();
        environment["HOME"] = Home.Path;
        environment["DOTNET_CLI_HOME"] = Home.Path;
        Start(host, 1337, [Path.Combine(_bin, "mesh-proxy.dll")], environment);
        using var admin = Client(host, TimeSpan.FromSeconds(5));
        await Eventually.Until(async () =>
        {
            try
            {
                using var ready = await admin.GetAsync(new Uri("http://127.0.0.1:15021/healthz/ready"));
                return ready.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"the sidecar in {host.Name}'s namespace to be ready", TimeSpan.FromSeconds(60));
    }

    /// <summary>A client whose sockets live in a host's namespace; names of the test's hosts resolve to their addresses, as DNS would.</summary>
    public HttpClient Client(NetworkHost from, TimeSpan timeout, IReadOnlyDictionary<string, IPAddress>? names = null) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = (context, ct) => NamespacedHosts.ConnectAsync(from,
            new IPEndPoint(names?.GetValueOrDefault(context.DnsEndPoint.Host) ?? IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), ct),
    }) { Timeout = timeout };

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

        Home.Dispose();
    }

    private Process Start(NetworkHost host, int? uid, string[] arguments, Dictionary<string, string> environment)
    {
        string[] prefix = uid is { } id
            ? ["netns", "exec", host.Namespace, "setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups", "dotnet"]
            : ["netns", "exec", host.Namespace, "dotnet"];
        var start = new ProcessStartInfo("ip", [.. prefix, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        _processes.Add(process);
        return process;
    }
}
