using Mesh.Config.Model.Networking;

namespace Mesh.DataPlane.Clusters;

/// <summary>
/// Istio's policy precedence: a subset's traffic policy overrides the DestinationRule's field by field
/// (each of loadBalancer, connectionPool, outlierDetection, tls as a whole), and port-level settings override both.
/// </summary>
public static class TrafficPolicies
{
    public static TrafficPolicy? Effective(TrafficPolicy? rule, TrafficPolicy? subset, int port)
    {
        var merged = Merge(rule, subset);
        var portLevel = merged?.PortLevelSettings.FirstOrDefault(p => p.Port == port);
        if (merged is null || portLevel is null)
        {
            return merged;
        }

        return merged with
        {
            LoadBalancer = portLevel.LoadBalancer ?? merged.LoadBalancer,
            ConnectionPool = portLevel.ConnectionPool ?? merged.ConnectionPool,
            OutlierDetection = portLevel.OutlierDetection ?? merged.OutlierDetection,
            Tls = portLevel.Tls ?? merged.Tls,
        };
    }

    private static TrafficPolicy? Merge(TrafficPolicy? parent, TrafficPolicy? child)
    {
        if (parent is null || child is null)
        {
            return child ?? parent;
        }

        return child with
        {
            LoadBalancer = child.LoadBalancer ?? parent.LoadBalancer,
            ConnectionPool = child.ConnectionPool ?? parent.ConnectionPool,
            OutlierDetection = child.OutlierDetection ?? parent.OutlierDetection,
            Tls = child.Tls ?? parent.Tls,
            RetryBudget = child.RetryBudget ?? parent.RetryBudget,
            PortLevelSettings = child.PortLevelSettings.Count > 0 ? child.PortLevelSettings : parent.PortLevelSettings,
        };
    }
}
