using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.Routing;

/// <summary>One destination of a route: the cluster it maps to, its weight, and header operations when chosen.</summary>
public sealed record WeightedCluster(string Cluster, int Weight, Headers? Headers);
