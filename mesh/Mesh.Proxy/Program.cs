using Mesh.Proxy.Hosting;
using Mesh.Proxy.Interception;

// The init container's command: install the pod's traffic capture and exit.
if (args is ["iptables", .. var rules])
{
    try
    {
        return IptablesRules.Parse(rules).Apply(Console.Out);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
}

// Settings files are read from beside the program, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddMeshProxy();

var app = builder.Build();

app.MapMeshProxy();

app.Run();
return 0;
