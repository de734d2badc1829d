namespace Bookinfo.Reviews.Model;

/// <summary>The body of <c>GET /reviews/{id}</c>, shaped like Istio's: <c>id</c> is a string there too.</summary>
public sealed record ProductReviews(string Id, string Podname, string Clustername, IReadOnlyList<Review> Reviews);
