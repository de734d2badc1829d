using System.CommandLine;
using Mesh.Kubernetes.Injection;
using Mesh.Kubernetes.Manifests;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>meshctl kube-inject -f deployment.yaml</c>: static sidecar injection, as <c>istioctl kube-inject</c>. Prints the
/// YAML with the init container and the sidecar added to every workload; other documents pass unchanged.
/// </summary>
public static class KubeInjectCommand
{
    public static Command Create(CommandContext context)
    {
        var file = new Option<string>("--filename", "-f") { Description = "The Kubernetes YAML to inject (- for stdin)", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Write here instead of stdout" };
        var ns = new Option<string>("--mesh-namespace") { Description = "The namespace of the mesh's control plane", DefaultValueFactory = _ => "default" };
        var registry = new Option<string>("--registry") { Description = "The image registry", DefaultValueFactory = _ => ImageSettings.Default.Registry };
        var tag = new Option<string>("--tag") { Description = "The image tag", DefaultValueFactory = _ => ImageSettings.Default.Tag };
        var command = new Command("kube-inject", "Add the mesh's init container and sidecar to Kubernetes workloads") { file, output, ns, registry, tag };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            string yaml;
            if (path == "-")
            {
                yaml = await Console.In.ReadToEndAsync(cancellationToken);
            }
            else if (File.Exists(path))
            {
                yaml = await File.ReadAllTextAsync(path, cancellationToken);
            }
            else
            {
                await context.Error.WriteLineAsync($"error: {path}: no such file");
                return 1;
            }

            var images = new ImageSettings(result.GetValue(registry)!, result.GetValue(tag)!);
            var settings = new InjectionSettings(images.For("mesh-proxy"),
                $"http://{KubernetesManifests.ControlPlane}.{result.GetValue(ns)}.svc:{MeshPorts.Discovery}");
            string injected;
            try
            {
                injected = KubeInject.InjectYaml(yaml, settings, path == "-" ? "<stdin>" : path);
            }
            catch (InjectionException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }

            if (result.GetValue(output) is { } target)
            {
                await File.WriteAllTextAsync(target, injected, cancellationToken);
            }
            else
            {
                await context.Out.WriteAsync(injected);
            }

            return 0;
        });
        return command;
    }
}
