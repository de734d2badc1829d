using Bookinfo.ProductPage.Apis;
using Bookinfo.ProductPage.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProductPageServices();

var app = builder.Build();

app.UseHeaderPropagation();
app.MapProductPage();
app.MapProductsApi();
app.MapDefaultEndpoints();

app.Run();
