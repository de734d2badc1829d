using Mesh.Scenarios.Drivers;

namespace Mesh.Scenarios.Support;

/// <summary>
/// Presents the operator credential on requests to the control plane's admin API, as meshctl does from the local
/// context; a request that already carries a credential, or goes anywhere else, is sent as it is.
/// </summary>
public sealed class OperatorCredentialHandler(Func<RunningMesh?> mesh) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (mesh() is { } running && request.Headers.Authorization is null && request.RequestUri?.Authority == running.ControlPlane.Authority)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", running.OperatorCredential.Token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
