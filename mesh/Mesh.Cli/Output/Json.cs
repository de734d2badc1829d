using System.Text.Json;

namespace Mesh.Cli.Output;

/// <summary>The JSON settings meshctl reads the admin API with and writes <c>-o json</c> with (camelCase, as the API).</summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Re-indents a JSON text for reading; text that is not JSON is returned as it is.</summary>
    public static string Indent(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(document.RootElement, Options);
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
