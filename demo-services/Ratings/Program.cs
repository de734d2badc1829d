using Bookinfo.Ratings.Apis;
using Bookinfo.Ratings.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddGrpc();

var app = builder.Build();

app.MapRatingsApi();
app.MapGrpcService<RatingsGrpcService>();
app.MapDefaultEndpoints();

app.Run();
