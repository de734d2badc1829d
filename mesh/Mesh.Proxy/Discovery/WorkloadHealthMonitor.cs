using System.Net;
using Mesh.Contracts.Discovery;
using Mesh.Proxy.Configuration;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Discovery;

/// <summary>
/// Probes the local app's readiness endpoint, as the kubelet probes a pod, and tells subscribers when the
/// answer changes. The control plane drops an unhealthy workload from every cluster's endpoints.
/// </summary>
public sealed partial class WorkloadHealthMonitor(IOptions<ProxyOptions> options, TimeProvider time, ILogger<WorkloadHealthMonitor> logger) : BackgroundService
{
    private readonly List<Action<WorkloadHealth>> _subscribers = [];
    private readonly Lock _lock = new();

    public WorkloadHealth Current { get; private set; } = new() { Healthy = options.Value.Mode == ProxyMode.Gateway || options.Value.Inbound.Count == 0, Detail = "not probed yet" };

    public IDisposable Subscribe(Action<WorkloadHealth> onChange)
    {
        lock (_lock)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(() =>
        {
            lock (_lock)
            {
                _subscribers.Remove(onChange);
            }
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var app = options.Value.Inbound.FirstOrDefault();
        if (options.Value.Mode == ProxyMode.Gateway || app is null)
        {
            return;
        }

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            Timeout = TimeSpan.FromSeconds(2),
            DefaultRequestVersion = app.Protocol is Config.Registry.MeshProtocol.Grpc or Config.Registry.MeshProtocol.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var probe = new Uri($"http://{app.App}{options.Value.AppHealthPath}");
        using var timer = new PeriodicTimer(options.Value.AppHealthInterval, time);
        try
        {
            do
            {
                Report(await ProbeAsync(http, probe, stoppingToken));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<WorkloadHealth> ProbeAsync(HttpClient http, Uri probe, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(probe, cancellationToken);
            return new WorkloadHealth { Healthy = response.IsSuccessStatusCode, Detail = $"{probe} answered {(int)response.StatusCode}" };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new WorkloadHealth { Healthy = false, Detail = $"{probe}: {e.Message}" };
        }
    }

    private void Report(WorkloadHealth health)
    {
        var changed = health.Healthy != Current.Healthy;
        Current = health;
        if (!changed)
        {
            return;
        }

        LogHealthChanged(logger, health.Healthy ? "healthy" : "unhealthy", health.Detail);
        Action<WorkloadHealth>[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(health);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload is now {State}: {Detail}")]
    private static partial void LogHealthChanged(ILogger logger, string state, string detail);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
