using Mesh.Config.Model.Networking;
using Mesh.Config.Source;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.DataPlane.Tests.Resilience;

public class OutlierDetectorTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly EndpointState[] _endpoints = Enumerable.Range(0, 3)
        .Select(i => new EndpointState(new ClusterEndpoint("127.0.0.1", 10000 + i, Mesh.Workload($"reviews-{i}", "reviews", "v1")))).ToArray();

    private OutlierDetector Detector(int? consecutive5xx = 3, int? gateway = null, int? maxEjection = 100, int? minHealth = null) => new(new OutlierDetection
    {
        Source = SourceSpan.None,
        Consecutive5xxErrors = consecutive5xx,
        ConsecutiveGatewayErrors = gateway,
        Interval = TimeSpan.FromSeconds(10),
        BaseEjectionTime = TimeSpan.FromSeconds(30),
        MaxEjectionPercent = maxEjection,
        MinHealthPercent = minHealth,
    }, _time);

    [Fact]
    public void ConsecutiveErrors_EjectOnTheNth_AndASuccessResetsTheCount()
    {
        var detector = Detector();
        Fail(detector, _endpoints[0], 2);
        detector.Report(_endpoints[0], AttemptOutcome.Response(200), _endpoints);
        Fail(detector, _endpoints[0], 2);
        Assert.False(detector.IsEjected(_endpoints[0]));

        Fail(detector, _endpoints[0], 1);

        Assert.True(detector.IsEjected(_endpoints[0]));
        Assert.DoesNotContain(_endpoints[0], detector.Available(_endpoints));
        Assert.Equal(1, detector.Ejections);
    }

    [Fact]
    public void Ejection_LastsBaseTimesTheNumberOfEjectionsInARow()
    {
        var detector = Detector();
        Fail(detector, _endpoints[0], 3);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(detector.IsEjected(_endpoints[0]));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(detector.IsEjected(_endpoints[0]));

        Fail(detector, _endpoints[0], 3);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(detector.IsEjected(_endpoints[0]));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(detector.IsEjected(_endpoints[0]));
    }

    [Fact]
    public void HealthyIntervals_ForgiveTheMultiplier()
    {
        var detector = Detector();
        Fail(detector, _endpoints[0], 3);
        _time.Advance(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(20));

        Fail(detector, _endpoints[0], 3);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(detector.IsEjected(_endpoints[0]));
    }

    [Fact]
    public void MaxEjectionPercent_LimitsEjections_ButOneIsAlwaysAllowed()
    {
        var detector = Detector(maxEjection: 10);
        Fail(detector, _endpoints[0], 3);
        Fail(detector, _endpoints[1], 3);

        Assert.True(detector.IsEjected(_endpoints[0]));
        Assert.False(detector.IsEjected(_endpoints[1]));
    }

    [Fact]
    public void BelowMinHealthPercent_EjectionIsIgnored()
    {
        var detector = Detector(maxEjection: 100, minHealth: 50);
        Fail(detector, _endpoints[0], 3);
        Assert.Equal(2, detector.Available(_endpoints).Count);

        Fail(detector, _endpoints[1], 3);

        Assert.Equal(3, detector.Available(_endpoints).Count);
    }

    [Fact]
    public void GatewayErrors_CountOnly502To504AndConnectionFailures()
    {
        var detector = Detector(consecutive5xx: 0, gateway: 2);
        detector.Report(_endpoints[0], AttemptOutcome.Response(500), _endpoints);
        detector.Report(_endpoints[0], AttemptOutcome.Response(500), _endpoints);
        Assert.False(detector.IsEjected(_endpoints[0]));

        detector.Report(_endpoints[0], AttemptOutcome.Failed(UpstreamFailure.ConnectFailure), _endpoints);
        detector.Report(_endpoints[0], AttemptOutcome.Response(503), _endpoints);

        Assert.True(detector.IsEjected(_endpoints[0]));
    }

    [Fact]
    public void NoOutlierDetection_NeverEjects()
    {
        var detector = new OutlierDetector(null, _time);
        Fail(detector, _endpoints[0], 100);

        Assert.Equal(3, detector.Available(_endpoints).Count);
    }

    private void Fail(OutlierDetector detector, EndpointState endpoint, int times)
    {
        for (var i = 0; i < times; i++)
        {
            detector.Report(endpoint, AttemptOutcome.Response(500), _endpoints);
        }
    }
}
