using Bookinfo.Details.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.MapDetailsApi();
app.MapDefaultEndpoints();

app.Run();
