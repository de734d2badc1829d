using System.Net;
using Mesh.Chaos.Actions;
using Mesh.Chaos.Experiments;
using Mesh.Chaos.Network;
using Mesh.LoadDriver;

namespace Mesh.Chaos.Tests;

/// <summary>Real network namespaces, veth and iptables; skipped with the reason when not root.</summary>
[Collection(nameof(NamespacedHostsTests))]
public sealed class NamespacedHostsTests
{
    [SkippableFact]
    public async Task Partition_CutsTheHostsOffAndItsRollbackHealsThem()
    {
        using var hosts = Create();
        await using var server = new NamespacedHttpServer(hosts.Second);

        Assert.Equal(20, (await SendAsync(hosts, server, 20)).Succeeded);

        await using (var session = new ChaosSession("partition", new ChaosContext(3)))
        {
            await session.RunAsync(new Partition(hosts.First, hosts.Second));
            var cut = await SendAsync(hosts, server, 5, TimeSpan.FromMilliseconds(500));
            Assert.Equal(0, cut.Succeeded);
            Assert.Equal(5, cut.ErrorsByKind.GetValueOrDefault("Timeout"));
        }

        Assert.Equal(20, (await SendAsync(hosts, server, 20)).Succeeded);
    }

    [SkippableFact]
    public async Task PacketLoss_EveryNthPacketDropped_RequestsSucceedLateByTcpRetransmission()
    {
        using var hosts = Create();
        await using var server = new NamespacedHttpServer(hosts.Second);
        var loss = new PacketLoss(hosts.First, hosts.Second, every: 3);

        await using (var session = new ChaosSession("loss", new ChaosContext(9)))
        {
            await session.RunAsync(loss);
            var report = await SendAsync(hosts, server, 30);

            Assert.Equal(30, report.Succeeded);

            // A dropped segment waits for a retransmission timeout (Linux' minimum is 200 ms), far above this link's RTT.
            Assert.True(report.Percentile(99) >= TimeSpan.FromMilliseconds(200), report.ToString());
        }

        Assert.Equal(new PacketLoss(hosts.First, hosts.Second, 3).Name.Replace(" 1 in", "", StringComparison.Ordinal), loss.Name.Replace($" {loss.Offset} of", "", StringComparison.Ordinal));
        Assert.Equal(new Random(9).Next(3), loss.Offset);
    }

    [Fact]
    public void LoadPlan_TargetInTheCallersOwnNetwork_IsAllowedAndOthersAreNot()
    {
        var own = new OwnNetwork(NamespacedHosts.Range, (_, _) => throw new NotSupportedException());
        new LoadPlan { Target = new Uri("http://10.251.0.2:8080/"), Requests = 1, Network = own }.Validate();

        Assert.Throws<ArgumentException>(() => new LoadPlan { Target = new Uri("http://10.251.0.2:8080/"), Requests = 1 }.Validate());
        Assert.Throws<ArgumentException>(() => new LoadPlan { Target = new Uri("http://10.9.0.2:8080/"), Requests = 1, Network = own }.Validate());
    }

    private static NamespacedHosts Create()
    {
        Skip.IfNot(NamespacedHosts.IsSupported(out var reason), reason);
        return NamespacedHosts.Create("client", "server");
    }

    private static Task<LoadReport> SendAsync(NamespacedHosts hosts, NamespacedHttpServer server, int requests, TimeSpan? timeout = null) =>
        LoadRunner.RunAsync(new LoadPlan
        {
            Target = new Uri($"http://{server.Endpoint}/"),
            Requests = requests,
            Connections = 1,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
            Network = new OwnNetwork(NamespacedHosts.Range, (context, ct) => NamespacedHosts.ConnectAsync(hosts.First, context.DnsEndPoint is { } d ? new IPEndPoint(IPAddress.Parse(d.Host), d.Port) : throw new InvalidOperationException(), ct)),
        });
}
