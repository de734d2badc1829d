using Mesh.Proxy.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMeshProxy();

var app = builder.Build();

app.MapMeshProxy();

app.Run();
