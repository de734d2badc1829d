using System.Text.Json.Nodes;

namespace Bookinfo.ProductPage.Backends;

/// <summary>A backend's status and JSON body, or productpage's error body when the backend could not answer.</summary>
public sealed record BackendResponse(int StatusCode, JsonObject Body)
{
    public bool IsSuccess => StatusCode == StatusCodes.Status200OK;

    public IResult ToResult() => Results.Json(Body, statusCode: StatusCode);
}
