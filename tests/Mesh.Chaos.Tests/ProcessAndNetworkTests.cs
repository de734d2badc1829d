using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Chaos.Actions;
using Mesh.Chaos.Experiments;
using Mesh.Chaos.Network;

namespace Mesh.Chaos.Tests;

public class ProcessAndNetworkTests
{
    [Fact]
    public async Task PauseProcess_StopsTheProcessAndItsRollbackResumesIt()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60"))!;
        try
        {
            await using (var session = new ChaosSession("pause", new ChaosContext(1)))
            {
                await session.RunAsync(new PauseProcess(sleeper.Id, "sleep"));
                Assert.Equal('T', await StateBecomesAsync(sleeper.Id, 'T'));
            }

            Assert.Equal('S', await StateBecomesAsync(sleeper.Id, 'S'));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public async Task SendToTree_KillsTheProcessAndWhatItStarted()
    {
        using var launcher = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 60 & wait"]))!;
        var child = 0;
        for (var i = 0; i < 200 && child == 0; i++)
        {
            child = ProcessSignals.Children(launcher.Id).FirstOrDefault();
            await Task.Delay(10);
        }

        Assert.NotEqual(0, child);
        ProcessSignals.SendToTree(launcher.Id, ProcessSignals.SigKill);
        await launcher.WaitForExitAsync();

        Assert.True(await StateBecomesAsync(child, 'Z') is 'Z' or '?', "the child survived its launcher");
    }

    [Fact]
    public async Task DelayProxy_HoldsEachChunkForTheDelayInBothDirections()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var serving = Task.Run(async () =>
        {
            using var peer = await echo.AcceptSocketAsync();
            var buffer = new byte[64];
            int read;
            while ((read = await peer.ReceiveAsync(buffer)) > 0)
            {
                await peer.SendAsync(buffer.AsMemory(0, read));
            }
        });
        await using var proxy = new DelayProxy((IPEndPoint)echo.LocalEndpoint, seed: 5);
        await new NetworkDelay(proxy, TimeSpan.FromMilliseconds(100)).RunAsync(new ChaosContext(5), CancellationToken.None);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(proxy.Endpoint);

        var watch = Stopwatch.StartNew();
        await client.SendAsync("ping"u8.ToArray());
        var answer = new byte[4];
        Assert.Equal(4, await client.ReceiveAsync(answer));

        // A lower bound only: the round trip crossed the proxy twice, each time held 100 ms.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(195), $"round trip took {watch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal("ping"u8.ToArray(), answer);
        client.Shutdown(SocketShutdown.Both);
        await serving;
    }

    [Fact]
    public async Task DelayProxy_JitterFollowsTheSeed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var a = new DelayProxy((IPEndPoint)listener.LocalEndpoint, seed: 11);
        await using var b = new DelayProxy((IPEndPoint)listener.LocalEndpoint, seed: 11);
        foreach (var proxy in new[] { a, b })
        {
            proxy.SetDelay(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(20));
        }

        var first = Enumerable.Range(0, 20).Select(_ => a.NextDelay()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 20).Select(_ => b.NextDelay()).ToArray());
        Assert.All(first, d => Assert.InRange(d.TotalMilliseconds, 30, 70));
        Assert.True(first.Distinct().Count() > 10);
    }

    private static async Task<char> StateBecomesAsync(int pid, char wanted)
    {
        for (var i = 0; i < 200 && ProcessSignals.State(pid) != wanted; i++)
        {
            await Task.Delay(10);
        }

        return ProcessSignals.State(pid) ?? '?';
    }
}
