using Mesh.ControlPlane.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddControlPlane();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapControlPlane();

app.Run();
