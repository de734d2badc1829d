using System.Text.RegularExpressions;
using Mesh.LoadDriver;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Sends bounded load through the gateway with the load driver and keeps the report. Each response is classified
/// by the reviews instance that served it (productpage's page and API both name it).
/// </summary>
public sealed partial class TrafficDriver(RunningMesh mesh)
{
    private Task<LoadReport>? _background;
    private long _backgroundCompleted;

    public LoadReport? LastReport { get; private set; }

    public LoadPlan Plan(string path, int? requests, double? rate = null, string? user = null, TimeSpan? duration = null, int connections = 8) => new()
    {
        Target = new Uri(mesh.Gateway, path),
        Requests = requests,
        Duration = duration,
        RatePerSecond = rate,
        Connections = connections,
        Headers = user is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Cookie"] = $"user={user}" },
        Classify = (_, body) => ReviewsInstance().Match(body) is { Success: true } m ? m.Value : null,
    };

    public async Task<LoadReport> RunAsync(LoadPlan plan)
    {
        LastReport = await LoadRunner.RunAsync(plan);
        return LastReport;
    }

    /// <summary>Starts a load in the background; later steps act while it runs.</summary>
    public void Start(LoadPlan plan)
    {
        var progress = new Progress<LoadProgress>(p => Interlocked.Exchange(ref _backgroundCompleted, p.Completed));
        _background = Task.Run(() => LoadRunner.RunAsync(plan, progress));
    }

    /// <summary>Waits (by the load's own progress, about once a second) until the background load has completed <paramref name="responses"/>.</summary>
    public async Task WaitForResponsesAsync(int responses)
    {
        while (Interlocked.Read(ref _backgroundCompleted) < responses)
        {
            if (_background is null || _background.IsCompleted)
            {
                return;
            }

            await Task.WhenAny(_background, Task.Delay(TimeSpan.FromMilliseconds(100)));
        }
    }

    public async Task<LoadReport> FinishAsync()
    {
        LastReport = await (_background ?? throw new InvalidOperationException("no load was started"));
        _background = null;
        return LastReport;
    }

    [GeneratedRegex("reviews-v[0-9]+")]
    private static partial Regex ReviewsInstance();
}
