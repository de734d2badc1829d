using System.Net;
using System.Net.Sockets;

namespace Mesh.Chaos.Network;

/// <summary>
/// Latency at the network level, in user space (this kernel has no netem): a TCP proxy on 127.0.0.1 that forwards
/// to a target and holds every chunk it reads for the current delay, plus a jitter drawn from a seeded random
/// source, before writing it on. Order within a connection is kept. The delay can change while connections are open.
/// </summary>
public sealed class DelayProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private long _delayTicks;
    private long _jitterTicks;

    public DelayProxy(IPEndPoint target, int seed, TimeProvider? time = null, int port = 0)
    {
        _target = target;
        _random = new Random(seed);
        _time = time ?? TimeProvider.System;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public long Connections => Interlocked.Read(ref _connections);

    private long _connections;

    /// <summary>Sets the added delay (each direction) and its jitter (uniform in ±jitter).</summary>
    public void SetDelay(TimeSpan delay, TimeSpan jitter = default)
    {
        Interlocked.Exchange(ref _delayTicks, delay.Ticks);
        Interlocked.Exchange(ref _jitterTicks, jitter.Ticks);
    }

    /// <summary>The next delay: the set delay, moved by a jitter drawn from the seeded source, never below zero.</summary>
    internal TimeSpan NextDelay()
    {
        var delay = Interlocked.Read(ref _delayTicks);
        var jitter = Interlocked.Read(ref _jitterTicks);
        if (jitter > 0)
        {
            lock (_random)
            {
                delay += (long)((_random.NextDouble() * 2 - 1) * jitter);
            }
        }

        return TimeSpan.FromTicks(Math.Max(0, delay));
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (client)
        {
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(_target, _stopping.Token).ConfigureAwait(false);
                await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // A peer went away or the proxy stops: the other side sees the connection end.
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            var delay = NextDelay();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            }

            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
