using System.Globalization;
using Mesh.Chaos.Experiments;
using Mesh.Chaos.Network;

namespace Mesh.Chaos.Actions;

/// <summary>Cuts two namespaced hosts off from each other with iptables DROP rules on both sides; the rollback removes them.</summary>
public sealed record Partition(NetworkHost First, NetworkHost Second) : IReversibleAction
{
    public string Name => $"partition {First.Name} ({First.Address}) from {Second.Name} ({Second.Address})";

    public Task RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        NamespacedHosts.IpTables(First, "-A", "INPUT", "-s", Second.Address.ToString(), "-j", "DROP");
        NamespacedHosts.IpTables(Second, "-A", "INPUT", "-s", First.Address.ToString(), "-j", "DROP");
        return Task.CompletedTask;
    }

    public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        NamespacedHosts.IpTables(First, "-D", "INPUT", "-s", Second.Address.ToString(), "-j", "DROP");
        NamespacedHosts.IpTables(Second, "-D", "INPUT", "-s", First.Address.ToString(), "-j", "DROP");
        return Task.CompletedTask;
    }
}

/// <summary>
/// Drops one packet in every <see cref="Every"/> that <see cref="To"/> receives from <see cref="From"/> carrying data,
/// with iptables' <c>statistic --mode nth</c>, so which packets are lost is exact, not random: the offset within each
/// group of <see cref="Every"/> is drawn from the experiment's seed. Only packets with a payload count (a lost bare ACK
/// is covered by the next one and costs nothing, so counting them would make the effect depend on timing). The
/// rollback removes the rule.
/// </summary>
public sealed class PacketLoss(NetworkHost from, NetworkHost to, int every) : IReversibleAction
{
    private string[]? _rule;

    /// <summary>IPv4 and TCP headers with options take at most 60 bytes; longer packets carry data.</summary>
    private const int MinimumDataPacket = 61;

    public int Every { get; } = every >= 2 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "drop one packet in every 2 or more");

    public NetworkHost From { get; } = from;

    public NetworkHost To { get; } = to;

    /// <summary>Which packet of each group is dropped (0-based), once the action has run.</summary>
    public int? Offset { get; private set; }

    public string Name => $"drop packet {(Offset is { } o ? o.ToString(CultureInfo.InvariantCulture) + " of" : "1 in")} every {Every} from {From.Name} to {To.Name}";

    public Task RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        Offset = context.Random.Next(Every);
        _rule = ["INPUT", "-s", From.Address.ToString(), "-p", "tcp", "-m", "length", "--length", $"{MinimumDataPacket}:65535",
            "-m", "statistic", "--mode", "nth", "--every", Every.ToString(CultureInfo.InvariantCulture),
            "--packet", Offset.Value.ToString(CultureInfo.InvariantCulture), "-j", "DROP"];
        NamespacedHosts.IpTables(To, ["-A", .. _rule]);
        return Task.CompletedTask;
    }

    public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        if (_rule is not null)
        {
            NamespacedHosts.IpTables(To, ["-D", .. _rule]);
            _rule = null;
        }

        return Task.CompletedTask;
    }
}
