using System.Reflection;
using System.Text.RegularExpressions;
using Mesh.Config.Schema;

namespace Mesh.Config.Tests.Schema;

/// <summary>
/// The field table is the one place that says what the mesh does with each Istio field: its Markdown rendering is the
/// committed doc, and every model property the readers fill is either used by the control plane or the proxies, or
/// its field is listed as not implemented.
/// </summary>
public sealed partial class FieldTableTests
{
    /// <summary>
    /// Model properties the readers fill but neither plane uses, each with the table rows that must say so. Metadata
    /// is not below <c>spec</c> and has no rows.
    /// </summary>
    private static readonly Dictionary<string, (string Kind, string Path)[]> NotConsumed = new()
    {
        ["ResourceMeta.ApiVersion"] = [],
        ["ResourceMeta.Annotations"] = [],
        ["JwtRule.JwksUri"] = [("RequestAuthentication", "jwtRules.jwksUri")],
        ["AccessLogging.Providers"] = [("Telemetry", "accessLogging.providers")],
        ["ServicePort.TargetPort"] = [("Gateway", "servers.port.targetPort"), ("ServiceEntry", "ports.targetPort"), ("Sidecar", "egress.port.targetPort")],
        ["ServerTlsSettings.MinProtocolVersion"] = [("Gateway", "servers.tls.minProtocolVersion")],
        ["ServerTlsSettings.MaxProtocolVersion"] = [("Gateway", "servers.tls.maxProtocolVersion")],
        ["HttpRetry.RetryRemoteLocalities"] = [("VirtualService", "http.retries.retryRemoteLocalities")],
        ["HttpCookie.Ttl"] = [("DestinationRule", "trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl")],
        ["HttpSettings.H2UpgradePolicy"] = [("DestinationRule", "trafficPolicy.connectionPool.http.h2UpgradePolicy")],
        ["HttpSettings.MaxConcurrentStreams"] = [("DestinationRule", "trafficPolicy.connectionPool.http.maxConcurrentStreams")],
        ["ClientTlsSettings.InsecureSkipVerify"] = [("DestinationRule", "trafficPolicy.tls.insecureSkipVerify")],
        ["ServiceEntry.Resolution"] = [("ServiceEntry", "resolution")],
    };

    private static string Repo
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("the repository root (Mesh.sln) is not above the test's folder");
        }
    }

    [Fact]
    public void TheDoc_IsTheTableRendered()
    {
        var path = Path.Combine(Repo, "docs", "istio-fields.md");
        var rendered = IstioFields.ToMarkdown();
        if (Environment.GetEnvironmentVariable("MESH_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, rendered);
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path) == rendered,
            "docs/istio-fields.md differs from the field table; run this test with MESH_WRITE_DOCS=1 to render it again");
    }

    [Fact]
    public void EveryModelProperty_IsUsedByAPlane_OrItsFieldIsListedAsNotImplemented()
    {
        var planes = new[] { "Mesh.DataPlane", "Mesh.Proxy", "Mesh.ControlPlane" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(Repo, "mesh", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        var code = string.Join('\n', planes);
        var properties = typeof(IstioFields).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.Namespace?.StartsWith("Mesh.Config.Model", StringComparison.Ordinal) == true && !t.IsEnum)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.Name != "EqualityContract" && p.GetMethod is not null)
                .Select(p => $"{t.Name}.{p.Name}"))
            .Distinct()
            .ToArray();

        // Used: read as a member (x.Name) or in a property pattern ({ Name: ... }).
        var unused = properties.Where(p => !Regex.IsMatch(code, $@"(\.{p.Split('.')[1]}\b|\b{p.Split('.')[1]}\s*:)")).ToArray();

        Assert.True(properties.Length > 200, $"only {properties.Length} model properties found");
        Assert.Empty(unused.Except(NotConsumed.Keys));
        Assert.Empty(NotConsumed.Keys.Except(unused)); // a property that became used leaves the list
        foreach (var (property, rows) in NotConsumed)
        {
            foreach (var (kind, path) in rows)
            {
                Assert.True(IstioFields.Find(kind, path) is { Support: FieldSupport.NotImplemented },
                    $"{property} is used by neither plane, so {kind} {path} must be listed as not implemented");
            }
        }
    }

    [Fact]
    public void EveryKindTheLoaderReads_IsInTheTable()
    {
        foreach (var kind in new[] { "VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "EnvoyFilter", "PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication", "Telemetry" })
        {
            Assert.Contains(kind, IstioFields.Kinds);
            Assert.True(IstioFields.IsKindImplemented(kind), kind);
        }
    }
}
