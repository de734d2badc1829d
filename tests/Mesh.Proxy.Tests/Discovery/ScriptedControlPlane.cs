using System.Threading.Channels;
using Grpc.Core;
using Mesh.Contracts.Discovery;
using Mesh.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Proxy.Tests.Discovery;

/// <summary>
/// A control plane that speaks the real discovery protocol but pushes exactly what a test tells it to, so a test
/// can hand a proxy a snapshot the real control plane would have refused.
/// </summary>
public sealed class ScriptedControlPlane : MeshDiscovery.MeshDiscoveryBase, IAsyncDisposable
{
    private readonly Channel<ConfigSnapshot> _toSend = Channel.CreateUnbounded<ConfigSnapshot>();
    private readonly Channel<PushResponse> _responses = Channel.CreateUnbounded<PushResponse>();
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public static async Task<ScriptedControlPlane> StartAsync()
    {
        var server = new ScriptedControlPlane();
        var listen = FreePort.Address();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(server);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPEndPoint.Parse(listen), l => l.Protocols = HttpProtocols.Http2));
        server._app = builder.Build();
        server._app.MapGrpcService<ScriptedControlPlane>();
        await server._app.StartAsync();
        server.Address = new Uri($"http://{listen}");
        return server;
    }

    public void Push(ConfigSnapshot snapshot) => _toSend.Writer.TryWrite(snapshot);

    public async Task<PushResponse> NextResponseAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        return await _responses.Reader.ReadAsync(timeout.Token);
    }

    public override async Task Connect(IAsyncStreamReader<ProxyMessage> requestStream, IServerStreamWriter<ControlPlaneMessage> responseStream, ServerCallContext context)
    {
        var reading = Task.Run(async () =>
        {
            await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
            {
                if (message.Response is { } response)
                {
                    await _responses.Writer.WriteAsync(response);
                }
            }
        });

        await foreach (var snapshot in _toSend.Reader.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new ControlPlaneMessage { Snapshot = snapshot });
        }

        await reading;
    }

    public async ValueTask DisposeAsync()
    {
        _toSend.Writer.TryComplete();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
