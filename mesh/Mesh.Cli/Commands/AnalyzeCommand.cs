using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Config;
using Mesh.Config.Diagnostics;
using Mesh.Config.Registry;
using Mesh.Config.Validation;

namespace Mesh.Cli.Commands;

/// <summary><c>meshctl analyze &lt;files|dirs&gt;…</c>: validates config offline, like <c>istioctl analyze</c>; exit 1 on errors.</summary>
public static class AnalyzeCommand
{
    public static Command Create(CommandContext context)
    {
        var paths = new Argument<string[]>("paths") { Description = "YAML files or folders", Arity = ArgumentArity.OneOrMore };
        var live = new Option<bool>("--live") { Description = "Also check hosts and subsets against the control plane's live registry" };
        var output = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        var command = new Command("analyze", "Validate Istio config files offline; exit 0 when clean, 1 on errors") { paths, live, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var loaded = ConfigLoader.LoadPaths(result.GetValue(paths)!);
            var config = new ConfigSet(loaded.Resources);
            ServiceRegistry? registry = null;
            if (result.GetValue(live))
            {
                using var client = context.Client(result);
                registry = (await client.RegistryAsync(cancellationToken)).ToRegistry(config.ServiceEntries);
            }

            var findings = loaded.Findings.Concat(ConfigAnalyzer.Analyze(config, registry))
                .OrderBy(f => f.Source.File, StringComparer.Ordinal).ThenBy(f => f.Source.Line).ToArray();
            if (result.GetValue(output) == "json")
            {
                await context.Out.WriteLineAsync(Json.Serialize(findings.Select(f => new
                {
                    code = f.Code, severity = f.Severity.ToString().ToLowerInvariant(), file = f.Source.File, line = f.Source.Line,
                    column = f.Source.Column, message = f.Message, resource = f.Resource, istioCode = f.IstioCode,
                })));
            }
            else
            {
                foreach (var finding in findings)
                {
                    await context.Out.WriteLineAsync(finding.ToString());
                }

                var errors = findings.Count(f => f.Severity == Severity.Error);
                await context.Out.WriteLineAsync(findings.Length == 0
                    ? $"✔ No validation issues found in {loaded.Resources.Count} resources."
                    : $"{errors} error(s), {findings.Count(f => f.Severity == Severity.Warning)} warning(s), {findings.Count(f => f.Severity == Severity.Info)} info in {loaded.Resources.Count} resources.");
            }

            return findings.Any(f => f.Severity == Severity.Error) ? 1 : 0;
        });
        return command;
    }
}
