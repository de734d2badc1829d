using Mesh.ControlPlane.Hosting;

// Settings files are read from beside the program, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddControlPlane();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapControlPlane();

app.Run();
