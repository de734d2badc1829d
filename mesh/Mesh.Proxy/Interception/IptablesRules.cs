using System.Diagnostics;
using System.Globalization;

namespace Mesh.Proxy.Interception;

/// <summary>
/// The pod's traffic capture, as istio-init installs it (in the nat table): every inbound TCP connection goes to the
/// sidecar's inbound port and every outbound one to its outbound port, except the sidecar's own traffic (its uid),
/// traffic to loopback, and excluded inbound ports (the sidecar's stats and health ports, which Prometheus and the kubelet reach).
/// <c>mesh-proxy iptables --proxy-uid 1337 --inbound-port 15006 --outbound-port 15001 --exclude-inbound-ports 15090,15021</c>
/// runs them: it is the init container's command.
/// </summary>
public sealed record IptablesRules(long ProxyUid, int InboundPort, int OutboundPort, IReadOnlyList<int> ExcludeInboundPorts)
{
    /// <summary>Each rule as iptables arguments, in the order they are applied.</summary>
    public IReadOnlyList<string[]> Commands()
    {
        string N(long value) => value.ToString(CultureInfo.InvariantCulture);
        var commands = new List<string[]>
        {
            Nat("-N", "MESH_INBOUND"),
            Nat("-N", "MESH_IN_REDIRECT"),
            Nat("-A", "MESH_IN_REDIRECT", "-p", "tcp", "-j", "REDIRECT", "--to-ports", N(InboundPort)),
            Nat("-A", "PREROUTING", "-p", "tcp", "-j", "MESH_INBOUND"),
        };
        commands.AddRange(ExcludeInboundPorts.Select(port => Nat("-A", "MESH_INBOUND", "-p", "tcp", "--dport", N(port), "-j", "RETURN")));
        commands.AddRange(
        [
            Nat("-A", "MESH_INBOUND", "-p", "tcp", "-j", "MESH_IN_REDIRECT"),
            Nat("-N", "MESH_OUTPUT"),
            Nat("-N", "MESH_REDIRECT"),
            Nat("-A", "MESH_REDIRECT", "-p", "tcp", "-j", "REDIRECT", "--to-ports", N(OutboundPort)),
            Nat("-A", "OUTPUT", "-p", "tcp", "-j", "MESH_OUTPUT"),
            Nat("-A", "MESH_OUTPUT", "-m", "owner", "--uid-owner", N(ProxyUid), "-j", "RETURN"),
            Nat("-A", "MESH_OUTPUT", "-d", "127.0.0.1/32", "-j", "RETURN"),
            Nat("-A", "MESH_OUTPUT", "-j", "MESH_REDIRECT"),
        ]);
        return commands;
    }

    /// <summary>Parses the init container's arguments; unknown or malformed ones are an error naming them.</summary>
    public static IptablesRules Parse(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i += 2)
        {
            if (i + 1 >= arguments.Count || !arguments[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --option value pairs, got '{arguments[i]}'");
            }

            values[arguments[i]] = arguments[i + 1];
        }

        long Number(string name, long fallback) => !values.TryGetValue(name, out var text) ? fallback
            : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
            : throw new ArgumentException($"{name} must be a number, got '{text}'");
        var unknown = values.Keys.Except(["--proxy-uid", "--inbound-port", "--outbound-port", "--exclude-inbound-ports"]).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown option {unknown[0]}");
        }

        var excluded = values.TryGetValue("--exclude-inbound-ports", out var list)
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var port)
                ? port : throw new ArgumentException($"--exclude-inbound-ports: '{p}' is not a port")).ToArray()
            : [];
        return new IptablesRules(Number("--proxy-uid", 1337), (int)Number("--inbound-port", 15006), (int)Number("--outbound-port", 15001), excluded);
    }

    /// <summary>Runs every rule with <c>iptables</c> (in the current network namespace) and stops at the first failure.</summary>
    public int Apply(TextWriter output, string iptables = "iptables")
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var command in Commands())
        {
            output.WriteLine($"{iptables} {string.Join(' ', command)}");
            using var process = Process.Start(new ProcessStartInfo(iptables, command) { RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                output.WriteLine($"error: {iptables} {string.Join(' ', command)} failed: {error.Trim()}");
                return 1;
            }
        }

        return 0;
    }

    private static string[] Nat(params string[] rule) => ["-w", "-t", "nat", .. rule];
}
