using Bookinfo.Ratings.V1;
using Grpc.Core;

namespace Bookinfo.Ratings.Grpc;

/// <summary>The gRPC face of the service (<c>bookinfo.ratings.v1.RatingsService</c>), served over h2c.</summary>
public sealed class RatingsGrpcService : RatingsService.RatingsServiceBase
{
    public override Task<GetRatingsResponse> GetRatings(GetRatingsRequest request, ServerCallContext context)
    {
        var ratings = ProductRatings.For(request.ProductId)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "please provide a non-negative product ID"));

        var response = new GetRatingsResponse { ProductId = ratings.Id };
        foreach (var (reviewer, stars) in ratings.Ratings)
        {
            response.Ratings[reviewer] = stars;
        }

        return Task.FromResult(response);
    }
}
