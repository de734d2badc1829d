using System.Text.Json.Serialization;

namespace Bookinfo.Reviews.Model;

/// <summary>One reviewer's text and, from v2 on, their rating.</summary>
public sealed record Review(
    string Reviewer,
    string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReviewRating? Rating);
