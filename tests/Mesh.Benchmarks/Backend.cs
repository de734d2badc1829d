namespace Mesh.Benchmarks;

/// <summary>The backend every path ends at: Kestrel answering every request with the same 1 KB body.</summary>
public static class Backend
{
    public static readonly byte[] Body = [.. Enumerable.Repeat((byte)'x', 1024)];

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        await app.RunAsync();
    }
}
