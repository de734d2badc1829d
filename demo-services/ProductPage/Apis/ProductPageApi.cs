using System.Globalization;
using Bookinfo.ProductPage.Backends;
using Bookinfo.ProductPage.Pages;
using Microsoft.AspNetCore.Mvc;

namespace Bookinfo.ProductPage.Apis;

/// <summary>Maps the HTML side: <c>/</c>, <c>/productpage</c>, <c>POST /login</c> and <c>GET /logout</c>.</summary>
public static class ProductPageApi
{
    private const string HtmlContentType = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapProductPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Content(IndexView.Render(), HtmlContentType));
        app.MapGet("/index.html", () => Results.Content(IndexView.Render(), HtmlContentType));
        app.MapGet("/productpage", GetProductPage);
        app.MapPost("/login", Login).DisableAntiforgery();
        app.MapGet("/logout", Logout);
        return app;
    }

    // Like Istio: details first, then reviews, one after the other, always for product 0.
    private static async Task<IResult> GetProductPage(HttpContext context, ProductBackends backends)
    {
        var product = Product.All[0];
        var id = product.Id.ToString(CultureInfo.InvariantCulture);
        var details = await backends.GetDetailsAsync(id, context.RequestAborted);
        var reviews = await backends.GetReviewsAsync(id, context.RequestAborted);
        var html = ProductPageView.Render(product, details, reviews, CurrentUser.Of(context));
        return Results.Content(html, HtmlContentType);
    }

    private static IResult Login(HttpContext context, [FromForm] string? username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            context.Response.Cookies.Delete(CurrentUser.CookieName);
        }
        else
        {
            context.Response.Cookies.Append(CurrentUser.CookieName, username,
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
        }

        return BackToReferrer(context);
    }

    private static IResult Logout(HttpContext context)
    {
        context.Response.Cookies.Delete(CurrentUser.CookieName, new CookieOptions { Path = "/" });
        return BackToReferrer(context);
    }

    // Istio redirects to the referrer; only its path is kept so the redirect cannot leave this site.
    private static IResult BackToReferrer(HttpContext context) =>
        Results.Redirect(
            Uri.TryCreate(context.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referrer)
                ? referrer.PathAndQuery
                : "/productpage");
}
