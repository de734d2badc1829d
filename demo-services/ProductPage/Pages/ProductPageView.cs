using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bookinfo.ProductPage.Backends;

namespace Bookinfo.ProductPage.Pages;

/// <summary>Renders <c>/productpage</c> the way Istio's template does: sign-in bar, book, details, reviews.</summary>
public static class ProductPageView
{
    public static string Render(Product product, BackendResponse details, BackendResponse reviews, string? user) =>
        Html.Document($"""
            {Navigation(user)}
            <main>
            <h1>{Html.Encode(product.Title)}</h1>
            <p class="summary">{product.DescriptionHtml}</p>
            {DetailsSection(details)}
            {ReviewsView.Render(reviews)}
            </main>
            """);

    private static string Navigation(string? user) => user is null
        ? """
          <nav><span>BookInfo Sample</span>
          <form method="post" action="login" name="login_form">
          <input name="username" placeholder="Username" required> <input name="passwd" type="password" placeholder="Password">
          <button type="submit" id="sign-in-button">Sign in</button>
          </form></nav>
          """
        : $"""
          <nav><span>BookInfo Sample</span>
          <span class="user">Welcome, {Html.Encode(user)} <a href="logout">Sign out</a></span></nav>
          """;

    private static string DetailsSection(BackendResponse details)
    {
        if (!details.IsSuccess)
        {
            return $"""
                <section id="details"><h4 class="error">Error fetching product details</h4>
                <p class="error">{Html.Encode(details.Body["error"])}</p></section>
                """;
        }

        string[] fields = ["author", "year", "type", "pages", "publisher", "language", "ISBN-10", "ISBN-13"];
        var rows = new StringBuilder();
        foreach (var field in fields)
        {
            var label = char.ToUpper(field[0], CultureInfo.InvariantCulture) + field[1..];
            rows.Append(CultureInfo.InvariantCulture, $"<tr><th>{label}</th><td>{Html.Encode(details.Body[field])}</td></tr>");
        }

        return $"""<section id="details"><h4>Book Details</h4><table>{rows}</table></section>""";
    }
}
