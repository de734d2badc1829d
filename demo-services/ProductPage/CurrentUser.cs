using Bookinfo.Shared;

namespace Bookinfo.ProductPage;

/// <summary>Who is signed in: the <c>user</c> cookie set by <c>/login</c>, else an inbound <c>end-user</c> header.</summary>
public static class CurrentUser
{
    public const string CookieName = "user";

    public static string? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(user))
        {
            user = context.Request.Headers[PropagatedHeaders.EndUser].ToString();
        }

        return string.IsNullOrEmpty(user) ? null : user;
    }
}
