using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// Adds the mesh to an Aspire app: the control plane, ingress gateways, and sidecars attached to projects.
/// </summary>
/// <remarks>
/// Interception without code change: a meshed app calls its peers by logical name through standard service
/// discovery (<c>http://reviews</c>). <see cref="WithSidecar"/> points each of those names at a local outbound
/// listener of the app's own sidecar, one listener per service port, so the sidecar knows the destination from
/// the port the call arrived on. Inbound traffic enters through the sidecar's inbound listeners, which the
/// workload registers with the control plane as its address. No root, no iptables, no HTTP proxy variables.
/// </remarks>
public static class ServiceMeshExtensions
{
    public const string Localhost = "127.0.0.1";

    /// <summary>Adds the control plane, which loads Istio YAML from <paramref name="configDirectory"/>.</summary>
    public static ServiceMesh AddServiceMesh<TControlPlane, TProxy>(this IDistributedApplicationBuilder builder, string name, string configDirectory,
        int grpcPort = 15010, int httpPort = 15014, TimeSpan? certificateTtl = null)
        where TControlPlane : IProjectMetadata, new()
        where TProxy : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var directory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, configDirectory));
        var state = Mesh.Security.SecretFiles.CreateFolder(Path.Combine(Path.GetTempPath(), $"mesh-controlplane-{Environment.ProcessId}"));
        var secrets = Mesh.Security.SecretFiles.CreateFolder(Path.Combine(Path.GetTempPath(), $"mesh-secrets-{Environment.ProcessId}"));
        var server = $"http://{Address(httpPort)}";
        var credential = Mesh.Security.OperatorCredential.LoadOrCreate(Path.Combine(state, "operator-credentials.json"), server);
        var controlPlane = builder.AddProject<TControlPlane>(name, launchProfileName: null)
            .WithEndpoint("grpc", e => Loopback(e, grpcPort))
            .WithEndpoint("http", e => Loopback(e, httpPort))
            .WithEnvironment("ControlPlane__ConfigDirectory", directory)
            .WithEnvironment("ControlPlane__StateDirectory", state)
            .WithEnvironment("ControlPlane__GrpcListen", Address(grpcPort))
            .WithEnvironment("ControlPlane__HttpListen", Address(httpPort))
            .WithHttpHealthCheck("/health", endpointName: "http")
            // The mesh console, on the control plane's admin port, linked from the resource in the Aspire dashboard. The
            // link's key (derived from the operator credential) only exchanges for a browser session; the fragment never
            // reaches a server or a log.
            .WithUrlForEndpoint("http", _ => new ResourceUrlAnnotation { Url = $"/console/login.html#key={credential.ConsoleLoginKey}", DisplayText = "Mesh console" });
        var mesh = new ServiceMesh(builder, controlPlane, new TProxy().ProjectPath)
        {
            ConfigDirectory = directory,
            SecretsDirectory = secrets,
            StateDirectory = state,
            OperatorCredential = credential,
        };
        var tokenKeyFile = Path.Combine(secrets, "token-key");
        Mesh.Security.SecretFiles.Write(tokenKeyFile, Convert.ToBase64String(mesh.TokenKey));
        controlPlane
            .WithEnvironment("ControlPlane__TokenKeyFile", tokenKeyFile)
            .WithEnvironment("ControlPlane__OperatorCredentialsFile", mesh.OperatorCredentialsFile)
            .WithEnvironment("ControlPlane__CertificateTtl", (certificateTtl ?? TimeSpan.FromHours(24)).ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        if (builder.ExecutionContext.IsRunMode)
        {
            // As `kind create cluster` writes a kubeconfig: meshctl, the console login and the chaos engine find this mesh from here.
            new Mesh.Security.MeshContext(server, mesh.OperatorCredentialsFile).Write(Mesh.Security.MeshContext.DefaultPath(Environment.GetEnvironmentVariable));
        }

        builder.Services.AddSingleton(mesh);
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.AddHostedService<MeshSupervisor>();
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            AddOutboundListeners(mesh);
            return Task.CompletedTask;
        });
        return mesh;
    }

    /// <summary>Adds an ingress gateway: the same proxy in gateway mode, labelled <c>istio: ingressgateway</c>, on a fixed port.</summary>
    /// <remarks>
    /// With <paramref name="tlsPort"/> the gateway also terminates TLS for Gateway servers with <c>tls.mode</c>
    /// SIMPLE or MUTUAL, reading certificates from <paramref name="credentialsDirectory"/>
    /// (<c>&lt;credentialName&gt;/tls.crt|tls.key|ca.crt</c>, a Kubernetes TLS secret's layout).
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddIngressGateway(this ServiceMesh mesh, string name, int port, int? tlsPort = null, string? credentialsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var gateway = mesh.Builder.AddProject(name, mesh.ProxyProjectPath, launchProfileName: null)
            .WithEndpoint("http", e => Loopback(e, port))
            .WithEndpoint("admin", e => Loopback(e, null))
            .WithEnvironment("Mesh__Mode", "Gateway")
            .WithEnvironment("Mesh__ControlPlane", mesh.ControlPlane.GetEndpoint("grpc"))
            .WithEnvironment("Mesh__Workload__Name", name)
            .WithEnvironment("Mesh__Workload__Namespace", mesh.Namespace)
            .WithEnvironment("Mesh__Workload__ServiceAccount", $"{name}-service-account")
            .WithEnvironment("Mesh__ServiceAccountTokenFile", mesh.WriteToken(name, mesh.TokenFor($"{name}-service-account",
                new Mesh.Security.BoundWorkload($"{name}.{mesh.Namespace}", name, new Dictionary<string, string> { ["istio"] = "ingressgateway", ["app"] = name }))))
            .WithEnvironment("Mesh__Workload__Labels__istio", "ingressgateway")
            .WithEnvironment("Mesh__Workload__Labels__app", name)
            .WithEnvironment("Mesh__GatewayListen__0", Address(port))
            .WithEnvironment("Mesh__ResponseFlagsHeader", "true")
            .WithEnvironment("Mesh__Admin", HostAndPort(mesh.Builder, name, "admin"))
            .WithHttpHealthCheck("/healthz/ready", endpointName: "admin")
            .WaitFor(mesh.ControlPlane);
        if (tlsPort is { } https)
        {
            gateway.WithEndpoint("https", e =>
                {
                    Loopback(e, https);
                    e.UriScheme = "https";
                })
                .WithEnvironment("Mesh__GatewayTlsListen__0", Address(https));
        }

        if (credentialsDirectory is not null)
        {
            gateway.WithEnvironment("Mesh__CredentialsDirectory", Path.GetFullPath(Path.Combine(mesh.Builder.AppHostDirectory, credentialsDirectory)));
        }

        mesh.AddGateway(gateway, port, tlsPort);
        return gateway;
    }

    /// <summary>
    /// Injects a sidecar beside a project, the Aspire counterpart of Istio's sidecar injection. The app's ports
    /// become loopback endpoints only its sidecar calls; its peers' logical names lead to its sidecar.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSidecar(this IResourceBuilder<ProjectResource> app, ServiceMesh mesh,
        string appLabel, string version, params MeshPort[] ports)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(mesh);
        if (ports.Length == 0)
        {
            ports = [new MeshPort("http", 9080)];
        }

        var name = app.Resource.Name;
        var sidecarName = $"{name}-proxy";
        var sidecar = mesh.Builder.AddProject(sidecarName, mesh.ProxyProjectPath, launchProfileName: null)
            .WithEndpoint("admin", e => Loopback(e, null))
            .WithEnvironment("Mesh__Mode", "Sidecar")
            .WithEnvironment("Mesh__ControlPlane", mesh.ControlPlane.GetEndpoint("grpc"))
            .WithEnvironment("Mesh__Workload__Name", name)
            .WithEnvironment("Mesh__Workload__Namespace", mesh.Namespace)
            .WithEnvironment("Mesh__Workload__ServiceAccount", $"bookinfo-{appLabel}")
            .WithEnvironment("Mesh__ServiceAccountTokenFile", mesh.WriteToken(name, mesh.TokenFor($"bookinfo-{appLabel}",
                new Mesh.Security.BoundWorkload($"{name}.{mesh.Namespace}", name, new Dictionary<string, string> { ["app"] = appLabel, ["version"] = version }))))
            .WithEnvironment("Mesh__Workload__Labels__app", appLabel)
            .WithEnvironment("Mesh__Workload__Labels__version", version)
            .WithEnvironment("Mesh__Admin", HostAndPort(mesh.Builder, sidecarName, "admin"))
            .WithHttpHealthCheck("/healthz/ready", endpointName: "admin")
            .WithParentRelationship(app)
            .WaitFor(mesh.ControlPlane);

        for (var i = 0; i < ports.Length; i++)
        {
            var port = ports[i];
            app.WithEndpoint(port.Name, e => Loopback(e, null))
                .WithEnvironment($"Kestrel__Endpoints__{port.Name}__Url", app.GetEndpoint(port.Name))
                .WithEnvironment($"Kestrel__Endpoints__{port.Name}__Protocols", port.IsHttp2 ? "Http2" : "Http1");
            sidecar.WithEndpoint($"inbound-{port.Name}", e => Loopback(e, null))
                .WithEnvironment($"Mesh__Inbound__{i}__Name", port.Name)
                .WithEnvironment($"Mesh__Inbound__{i}__ServicePort", port.ServicePort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnvironment($"Mesh__Inbound__{i}__Listen", HostAndPort(mesh.Builder, sidecarName, $"inbound-{port.Name}"))
                .WithEnvironment($"Mesh__Inbound__{i}__App", HostAndPort(mesh.Builder, name, port.Name));
        }

        // The app's peers, by logical name, lead to its sidecar's outbound listeners (evaluated at start, when every service is known).
        app.WithEnvironment(context =>
        {
            foreach (var (service, port) in mesh.ServicePorts)
            {
                var endpoint = sidecar.GetEndpoint(ServiceMesh.OutboundEndpointName(service, port));
                context.EnvironmentVariables[$"services__{service}__{port.Name}__0"] = endpoint;
            }
        });
        app.WithHttpHealthCheck("/health", endpointName: ports[0].Name).WaitFor(sidecar);
        mesh.Add(new MeshWorkload(app, sidecar, appLabel, version, ports));
        return app;
    }

    private static void AddOutboundListeners(ServiceMesh mesh)
    {
        var servicePorts = mesh.ServicePorts;
        foreach (var workload in mesh.Workloads)
        {
            var sidecar = workload.Sidecar;
            for (var i = 0; i < servicePorts.Count; i++)
            {
                var (service, port) = servicePorts[i];
                var endpointName = ServiceMesh.OutboundEndpointName(service, port);
                sidecar.WithEndpoint(endpointName, e => Loopback(e, null))
                    .WithEnvironment($"Mesh__Outbound__{i}__Service", service)
                    .WithEnvironment($"Mesh__Outbound__{i}__Port", port.ServicePort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .WithEnvironment($"Mesh__Outbound__{i}__PortName", port.Name)
                    .WithEnvironment($"Mesh__Outbound__{i}__Listen", HostAndPort(mesh.Builder, sidecar.Resource.Name, endpointName));
            }
        }
    }

    /// <summary>Every mesh endpoint is a plain loopback socket: not proxied by DCP, bound to 127.0.0.1.</summary>
    private static void Loopback(EndpointAnnotation endpoint, int? port)
    {
        endpoint.UriScheme = "http";
        endpoint.IsProxied = false;
        endpoint.Port = port;
        endpoint.TargetPort = port;
        endpoint.TargetHost = Localhost;
    }

    private static string Address(int port) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Localhost}:{port}");

    private static ReferenceExpression HostAndPort(IDistributedApplicationBuilder builder, string resource, string endpointName)
    {
        var target = builder.Resources.OfType<IResourceWithEndpoints>().Single(r => r.Name == resource);
        var endpoint = new EndpointReference(target, endpointName);
        return ReferenceExpression.Create($"{Localhost}:{endpoint.Property(EndpointProperty.Port)}");
    }
}
