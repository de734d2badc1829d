namespace Bookinfo.ProductPage.Pages;

/// <summary>The landing page: which services make up the app, and links to the product page.</summary>
public static class IndexView
{
    public static string Render() => Html.Document("""
        <main>
        <h3>Bookinfo: a small bookstore made of four services.</h3>
        <ul>
          <li><b>productpage</b> calls <b>details</b> and <b>reviews</b></li>
          <li><b>reviews</b> (v2 and v3) calls <b>ratings</b> over gRPC</li>
        </ul>
        <p>Open the product page as a <a href="/productpage?u=normal">normal user</a>
        or as a <a href="/productpage?u=test">test user</a>.</p>
        </main>
        """);
}
