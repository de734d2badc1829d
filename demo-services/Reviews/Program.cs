using Bookinfo.Reviews.Apis;
using Bookinfo.Reviews.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddReviewsServices();

var app = builder.Build();

app.UseHeaderPropagation();
app.MapReviewsApi();
app.MapDefaultEndpoints();

app.Run();
