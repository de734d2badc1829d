using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Chaos.Network;

/// <summary>One host of a <see cref="NamespacedHosts"/> pair: a network namespace with one address on the shared link.</summary>
public sealed record NetworkHost(string Name, string Namespace, IPAddress Address);

/// <summary>
/// Two hosts in network namespaces this process makes, joined by a veth pair on 10.251.0.0/24, a network that exists
/// nowhere else. Sockets are opened inside a namespace by switching one dedicated thread into it (setns), so the test
/// process needs no helper programs. iptables rules inside the namespaces make partitions and packet loss. Needs root.
/// </summary>
public sealed partial class NamespacedHosts : IDisposable
{
    public static readonly IPNetwork Range = IPNetwork.Parse("10.251.0.0/24");

    private const int CloneNewNet = 0x40000000;

    private NamespacedHosts(NetworkHost first, NetworkHost second)
    {
        First = first;
        Second = second;
    }

    public NetworkHost First { get; }

    public NetworkHost Second { get; }

    public NetworkHost this[string name] =>
        name == First.Name ? First : name == Second.Name ? Second : throw new ArgumentException($"no host named '{name}' (the hosts are '{First.Name}' and '{Second.Name}')");

    /// <summary>Whether this process may make namespaces: it is root and <c>ip</c> and <c>iptables</c> exist.</summary>
    public static bool IsSupported(out string reason)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" && GetEuid() != 0)
        {
            reason = "network namespaces and iptables need root on Linux";
            return false;
        }

        foreach (var tool in new[] { "ip", "iptables" })
        {
            if (!new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Any(d => File.Exists(Path.Combine(d, tool))))
            {
                reason = $"'{tool}' is not installed";
                return false;
            }
        }

        reason = "";
        return true;
    }

    /// <summary>Makes the two namespaces and the link between them. Names carry this process's id, so runs do not collide.</summary>
    public static NamespacedHosts Create(string first, string second)
    {
        var id = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var hosts = new NamespacedHosts(
            new NetworkHost(first, $"mesh-chaos-{id}-a", IPAddress.Parse("10.251.0.1")),
            new NetworkHost(second, $"mesh-chaos-{id}-b", IPAddress.Parse("10.251.0.2")));
        try
        {
            var (vethA, vethB) = ($"mca{id}", $"mcb{id}");
            Run("ip", "netns", "add", hosts.First.Namespace);
            Run("ip", "netns", "add", hosts.Second.Namespace);
            Run("ip", "link", "add", vethA, "type", "veth", "peer", "name", vethB);
            Run("ip", "link", "set", vethA, "netns", hosts.First.Namespace);
            Run("ip", "link", "set", vethB, "netns", hosts.Second.Namespace);
            foreach (var (host, veth) in new[] { (hosts.First, vethA), (hosts.Second, vethB) })
            {
                Run("ip", "-n", host.Namespace, "addr", "add", $"{host.Address}/24", "dev", veth);
                Run("ip", "-n", host.Namespace, "link", "set", veth, "up");
                Run("ip", "-n", host.Namespace, "link", "set", "lo", "up");
            }

            return hosts;
        }
        catch
        {
            hosts.Dispose();
            throw;
        }
    }

    /// <summary>Runs iptables inside a host's namespace.</summary>
    public static void IpTables(NetworkHost host, params string[] arguments) =>
        Run("ip", ["netns", "exec", host.Namespace, "iptables", "-w", .. arguments]);

    /// <summary>A TCP socket created inside the host's namespace; it stays there whatever thread uses it later.</summary>
    public static Socket CreateSocket(NetworkHost host)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var original = File.OpenHandle("/proc/self/ns/net");
                using var target = File.OpenHandle($"/var/run/netns/{host.Namespace}");
                Enter(target.DangerousGetHandle());
                try
                {
                    socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                }
                finally
                {
                    Enter(original.DangerousGetHandle());
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"could not open a socket in {host.Namespace}", failure);
    }

    /// <summary>Connects from inside <paramref name="from"/>: the connect callback a load plan uses to reach a namespaced host.</summary>
    public static async ValueTask<Stream> ConnectAsync(NetworkHost from, EndPoint to, CancellationToken cancellationToken)
    {
        var socket = CreateSocket(from);
        try
        {
            await socket.ConnectAsync(to, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // Deleting a namespace deletes its end of the veth pair, and the pair with it.
        foreach (var host in new[] { First, Second })
        {
            if (File.Exists($"/var/run/netns/{host.Namespace}"))
            {
                try
                {
                    Run("ip", "netns", "del", host.Namespace);
                }
                catch (InvalidOperationException)
                {
                    // Best effort; a leftover namespace is named after this process and harms no other run.
                }
            }
        }
    }

    internal static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"could not start {file}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }

    private static void Enter(IntPtr namespaceFd)
    {
        if (SetNs((int)namespaceFd, CloneNewNet) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "setns failed");
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
