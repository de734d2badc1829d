using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Tests;

/// <summary>Applies the RFC 6902 operations the webhook emits (add and replace), as the API server would.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray patch)
    {
        foreach (var op in patch)
        {
            var path = op!["path"]!.GetValue<string>().Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
            var parent = path[..^1].Aggregate(document, (node, segment) => node is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)]! : node[segment]!);
            var value = op["value"]?.DeepClone();
            var last = path[^1];
            switch (op["op"]!.GetValue<string>(), parent)
            {
                case ("add", JsonArray array):
                    if (last == "-")
                    {
                        array.Add(value);
                    }
                    else
                    {
                        array.Insert(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture), value);
                    }

                    break;
                case ("replace", JsonArray array):
                    array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                    break;
                case (_, JsonObject obj):
                    obj[last] = value;
                    break;
                default:
                    throw new InvalidOperationException($"cannot apply {op}");
            }
        }

        return document;
    }
}
