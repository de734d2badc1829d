namespace Mesh.DataPlane.Security;

/// <summary>The result of request authentication, with what a valid token gives the request.</summary>
public sealed record JwtResult(
    JwtOutcome Outcome,
    string? Principal,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Claims,
    IReadOnlyList<string> Audiences,
    string? Presenter,
    string? Error,
    IReadOnlyList<KeyValuePair<string, string>> OutputHeaders,
    IReadOnlyList<string> HeadersToRemove)
{
    public static readonly JwtResult NoToken = new(JwtOutcome.NoToken, null, new Dictionary<string, IReadOnlyList<string>>(), [], null, null, [], []);

    public static JwtResult Invalid(string error) => NoToken with { Outcome = JwtOutcome.Invalid, Error = error };
}
