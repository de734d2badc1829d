using Mesh.ControlPlane.Hosting;
using Mesh.ControlPlane.Security;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Admin;

/// <summary>What a caller of the admin API may do: read config, registry and status, or also change them.</summary>
public enum AdminRole
{
    View,
    Edit,
}

/// <summary>An authenticated admin caller: who, and the most it may do.</summary>
public sealed record AdminCaller(string Name, AdminRole Role);

/// <summary>The answer to one admin request: allowed (with its caller), or refused with 401 or 403 and why.</summary>
public sealed record AdminDecision(int Status, string? Error, AdminCaller? Caller)
{
    public bool Allowed => Caller is not null && Error is null;
}

/// <summary>
/// Authentication and authorization of the admin API, as the Kubernetes API server does it: a bearer token (or the
/// console's session cookie) names the caller; the caller's role decides. The operator credential may do everything.
/// Any other token is reviewed (the app host's signed service-account tokens locally, TokenReview on Kubernetes) and is
/// allowed only when its user or one of its groups is listed in <see cref="ControlPlaneOptions.Admin"/>.
/// No credential is 401; a credential that may not do this is 403.
/// </summary>
public sealed partial class AdminAccess(OperatorCredentials operatorCredentials, ITokenReviewer tokens, IOptions<ControlPlaneOptions> options, ILogger<AdminAccess> logger)
{
    public const string Operator = "mesh:operator";

    public async Task<AdminDecision> AuthorizeAsync(HttpContext context, AdminRole required)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = await AuthenticateAsync(context);
        if (caller.Error is not null)
        {
            LogRefused(logger, context.Request.Method, context.Request.Path, caller.Error);
            return caller;
        }

        if (caller.Caller!.Role < required)
        {
            var error = $"{caller.Caller.Name} may {(caller.Caller.Role == AdminRole.View ? "only read" : "not do this")}; {Describe(required)} needs an editor";
            LogRefused(logger, context.Request.Method, context.Request.Path, error);
            return new AdminDecision(StatusCodes.Status403Forbidden, error, null);
        }

        return caller;
    }

    private async Task<AdminDecision> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            if (operatorCredentials.IsOperatorToken(token))
            {
                return Allowed(Operator, AdminRole.Edit);
            }

            var review = tokens.Enabled
                ? await tokens.ReviewAsync(token, context.RequestAborted, audience: null)
                : TokenReview.Refused("this control plane checks no tokens but its operator credential");
            if (!review.Authenticated)
            {
                return new AdminDecision(StatusCodes.Status401Unauthorized, $"the bearer token is not valid: {review.Error}", null);
            }

            return RoleOf(review) is { } role
                ? Allowed(review.User, role)
                : new AdminDecision(StatusCodes.Status403Forbidden, $"{review.User} is not allowed to use the admin API", null);
        }

        if (context.Request.Cookies.TryGetValue(OperatorCredentials.SessionCookie, out var session))
        {
            return operatorCredentials.IsValidSession(session)
                ? Allowed("console session", AdminRole.Edit)
                : new AdminDecision(StatusCodes.Status401Unauthorized, "the console session has ended; log in again", null);
        }

        return new AdminDecision(StatusCodes.Status401Unauthorized,
            "a credential is required: Authorization: Bearer <token> (meshctl sends the operator credential from ~/.mesh/config.json)", null);
    }

    private AdminRole? RoleOf(TokenReview review)
    {
        var names = review.Groups.Select(g => $"group:{g}").Append(review.User).ToHashSet(StringComparer.Ordinal);
        var admin = options.Value.Admin;
        return admin.Editors.Any(names.Contains) ? AdminRole.Edit
            : admin.Viewers.Any(names.Contains) ? AdminRole.View
            : null;
    }

    private static AdminDecision Allowed(string name, AdminRole role) => new(StatusCodes.Status200OK, null, new AdminCaller(name, role));

    private static string Describe(AdminRole role) => role == AdminRole.Edit ? "a change" : "reading";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin API refused {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}

/// <summary>Puts admin endpoints behind <see cref="AdminAccess"/>.</summary>
public static class AdminAccessExtensions
{
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder, AdminRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var decision = await context.HttpContext.RequestServices.GetRequiredService<AdminAccess>().AuthorizeAsync(context.HttpContext, role);
            if (decision.Allowed)
            {
                context.HttpContext.Items[typeof(AdminCaller)] = decision.Caller;
                return await next(context);
            }

            if (decision.Status == StatusCodes.Status401Unauthorized)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"mesh\"";
            }

            return Results.Json(new { error = decision.Error }, statusCode: decision.Status);
        });

    /// <summary>Who made this (allowed) admin request.</summary>
    public static AdminCaller? Caller(this HttpContext context) => context.Items.TryGetValue(typeof(AdminCaller), out var caller) ? caller as AdminCaller : null;
}
