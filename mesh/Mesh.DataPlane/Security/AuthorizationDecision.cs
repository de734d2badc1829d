using Mesh.Config.Model.Security;

namespace Mesh.DataPlane.Security;

/// <summary>The outcome of authorization: allowed or not, which policy decided (<c>namespace/name</c>), whether an AUDIT policy matched, and why.</summary>
public readonly record struct AuthorizationDecision(bool Allowed, string? Policy, AuthorizationAction? Action, bool Audited, string Reason);
