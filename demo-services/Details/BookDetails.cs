using System.Text.Json.Serialization;

namespace Bookinfo.Details;

/// <summary>The details of a book, shaped like the JSON Istio's details service returns.</summary>
public sealed record BookDetails(
    int Id,
    string Author,
    int Year,
    string Type,
    int Pages,
    string Publisher,
    string Language,
    [property: JsonPropertyName("ISBN-10")] string Isbn10,
    [property: JsonPropertyName("ISBN-13")] string Isbn13)
{
    /// <summary>Every product is the same paperback, as in Istio's sample.</summary>
    public static BookDetails For(int id) =>
        new(id, "William Shakespeare", 1595, "paperback", 200, "PublisherA", "English", "1234567890", "123-1234567890");
}
