using System.CommandLine;
using Mesh.Config;

namespace Mesh.Cli.Commands;

/// <summary><c>meshctl apply -f &lt;file|dir&gt;</c>: creates or replaces resources on the control plane, as <c>kubectl apply</c>.</summary>
public static class ApplyCommand
{
    public static Command Create(CommandContext context)
    {
        var files = new Option<string[]>("--filename", "-f") { Description = "A YAML file or folder (repeatable)", Required = true, AllowMultipleArgumentsPerToken = false };
        var command = new Command("apply", "Apply Istio YAML to the control plane") { files };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.Client(result);
            var exit = 0;
            foreach (var file in Expand(result.GetValue(files)!))
            {
                if (!File.Exists(file))
                {
                    await context.Error.WriteLineAsync($"error: {file}: no such file or directory");
                    exit = 1;
                    continue;
                }

                var yaml = await File.ReadAllTextAsync(file, cancellationToken);
                var outcome = await client.ApplyAsync(yaml, Path.GetFullPath(file), cancellationToken);
                if (!outcome.Accepted)
                {
                    await context.Error.WriteLineAsync($"error: {file} was refused; the control plane keeps serving revision {outcome.Revision}:");
                    foreach (var finding in outcome.Findings.Where(f => f.IsError))
                    {
                        await context.Error.WriteLineAsync("  " + finding.Text);
                    }

                    exit = 1;
                    continue;
                }

                foreach (var resource in ConfigLoader.LoadText(yaml, file).Resources)
                {
                    await context.Out.WriteLineAsync($"{resource.Kind.ToLowerInvariant()}/{resource.Name} configured (namespace {resource.Namespace})");
                }

                foreach (var warning in outcome.Findings.Where(f => !f.IsError))
                {
                    await context.Out.WriteLineAsync("  " + warning.Text);
                }
            }

            return exit;
        });
        return command;
    }

    private static IEnumerable<string> Expand(IEnumerable<string> paths) => paths.SelectMany<string, string>(path => Directory.Exists(path)
        ? Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
        : [path]);
}
