using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Benchmarks;

/// <summary>YARP's forwarder with one catch-all route and nothing else: the floor the sidecar's own logic adds to.</summary>
public static class BareYarp
{
    public static async Task RunAsync(int port, int backendPort)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false,
            EnableMultipleHttp2Connections = true,
        });
        var destination = $"http://127.0.0.1:{backendPort}";
        // A block body: returning SendAsync's ForwarderError would make the endpoint write it after YARP's response,
        // and Kestrel would then close every connection.
        app.Map("/{**catch-all}", async (HttpContext context, IHttpForwarder forwarder) =>
        {
            await forwarder.SendAsync(context, destination, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Default);
        });
        await app.RunAsync();
    }
}
