namespace Mesh.DataPlane.Security;

/// <summary>What request authentication found: no token, a valid one, or an invalid one (answered 401).</summary>
public enum JwtOutcome
{
    NoToken,
    Valid,
    Invalid,
}
