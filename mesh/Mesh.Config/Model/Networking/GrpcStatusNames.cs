namespace Mesh.Config.Model.Networking;

/// <summary>gRPC status codes by the names Istio's <c>grpcStatus</c> takes.</summary>
public static class GrpcStatusNames
{
    private static readonly string[] Names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    public static bool IsKnown(string name) => Names.Contains(name) || (int.TryParse(name, out var code) && code is >= 0 and <= 16);

    /// <summary>The numeric code of a status name (or of a number written as text).</summary>
    public static int ToCode(string name) => int.TryParse(name, out var code) ? code : Array.IndexOf(Names, name);

    public static string ToName(int code) => code >= 0 && code < Names.Length ? Names[code] : code.ToString();
}
