using System.Globalization;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Makes one instance misbehave without touching its code: sets Envoy-style runtime fault keys on that instance's
/// sidecar (its admin <c>/runtime_modify</c>), so its inbound traffic is aborted or delayed. Cleared after the scenario.
/// </summary>
public sealed class InstanceFaultDriver(ControlPlaneDriver controlPlane, RunningMesh mesh, HttpClient http)
{
    private readonly HashSet<string> _touched = [];

    public Task AbortAsync(string workload, double percent, int status) => ModifyAsync(workload,
        $"fault.http.abort.http_status={status}&fault.http.abort.abort_percent={percent.ToString(CultureInfo.InvariantCulture)}");

    public Task DelayAsync(string workload, double percent, TimeSpan delay) => ModifyAsync(workload,
        $"fault.http.delay.fixed_duration_ms={delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}&fault.http.delay.fixed_delay_percent={percent.ToString(CultureInfo.InvariantCulture)}");

    public async Task ClearAsync()
    {
        foreach (var workload in _touched)
        {
            await ModifyAsync(workload, "fault.http.abort.http_status=&fault.http.abort.abort_percent=&fault.http.delay.fixed_duration_ms=&fault.http.delay.fixed_delay_percent=", track: false);
        }

        _touched.Clear();
    }

    private async Task ModifyAsync(string workload, string query, bool track = true)
    {
        var proxy = (await controlPlane.ProxiesAsync()).SingleOrDefault(p => p.Workload == workload)
            ?? throw new InvalidOperationException($"no proxy for workload '{workload}'");
        // The proxy accepts the write only with a credential its control plane allows: the operator's.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{proxy.AdminAddress}/runtime_modify?{query}"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", mesh.OperatorCredential.Token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        if (track)
        {
            _touched.Add(workload);
        }
    }
}
