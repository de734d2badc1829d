using System.Text.Encodings.Web;
using System.Text.Json.Nodes;

namespace Bookinfo.ProductPage.Pages;

/// <summary>HTML-encodes values that come from requests or backends before they reach a page.</summary>
public static class Html
{
    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    public static string Encode(JsonNode? value) => Encode(value?.ToString());

    /// <summary>The page shell: title, a little CSS, then <paramref name="body"/>.</summary>
    public static string Document(string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Simple Bookstore App</title>
        <style>
          body { font-family: sans-serif; margin: 0; color: #222; }
          nav { background: #1f2937; color: #fff; padding: 0.8em 2em; display: flex; justify-content: space-between; }
          nav a, nav button { color: #fff; }
          main { padding: 1em 2em; max-width: 60em; }
          table { border-collapse: collapse; }
          th, td { border: 1px solid lightgrey; padding: 0.4em 0.8em; text-align: left; }
          .error { color: #dc2626; }
          .review { margin: 1.5em 0; }
          .served-by { font-family: monospace; color: #555; }
        </style>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;
}
