var builder = DistributedApplication.CreateBuilder(args);

// Control plane: registry, Istio config from ../config, push to every proxy, and the CA for mTLS.
// Mesh:CertificateTtl shortens workload certificates (the scenarios use seconds, to see rotation under load).
var certificateTtl = TimeSpan.TryParse(builder.Configuration["Mesh:CertificateTtl"], System.Globalization.CultureInfo.InvariantCulture, out var ttl) ? ttl : (TimeSpan?)null;
var mesh = builder.AddServiceMesh<Projects.Mesh_ControlPlane, Projects.Mesh_Proxy>("controlplane", "../config", certificateTtl: certificateTtl);

// Ingress gateway: the same proxy at the edge, on http://127.0.0.1:8080 and, for Gateway servers with TLS, on
// https://127.0.0.1:8443 with certificates from Mesh:GatewayCredentials (default ../config/credentials).
mesh.AddIngressGateway("istio-ingressgateway", port: 8080, tlsPort: 8443,
    credentialsDirectory: builder.Configuration["Mesh:GatewayCredentials"] ?? "../config/credentials");

// Bookinfo, each workload with its sidecar.
builder.AddProject<Projects.Details>("details-v1")
    .WithSidecar(mesh, "details", "v1", new MeshPort("http", 9080));

builder.AddProject<Projects.Ratings>("ratings-v1")
    .WithSidecar(mesh, "ratings", "v1", new MeshPort("http", 9080), new MeshPort("grpc", 9090));

foreach (var version in new[] { "v1", "v2", "v3" })
{
    builder.AddProject<Projects.Reviews>($"reviews-{version}")
        .WithEnvironment("SERVICE_VERSION", version)
        .WithSidecar(mesh, "reviews", version, new MeshPort("http", 9080));
}

builder.AddProject<Projects.ProductPage>("productpage-v1")
    .WithSidecar(mesh, "productpage", "v1", new MeshPort("http", 9080));

// Kubernetes: `dotnet run --project AppHost -- --operation publish --step publish-kubernetes --output-path <dir>`
// writes the same parts as manifests, with the sidecar injected into every workload (see README, Kubernetes).
mesh.PublishAsKubernetes();

// Prometheus (the Debian package, when installed) on http://127.0.0.1:9090, scraping every proxy the registry knows.
mesh.AddPrometheus();

builder.Build().Run();
