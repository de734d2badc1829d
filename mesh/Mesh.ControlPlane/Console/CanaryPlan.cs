using System.Globalization;
using System.Text;
using Mesh.Config.Registry;

namespace Mesh.ControlPlane.Console;

/// <summary>Send requests whose header equals a value (Bookinfo's <c>end-user</c>: "send jason to v2") to one subset.</summary>
public sealed record HeaderRoute(string Header, string Value, string Subset);

/// <summary>Delay and abort injection by percentage, as a VirtualService's <c>fault</c>.</summary>
public sealed record FaultPlan(double DelayPercent = 0, string FixedDelay = "", double AbortPercent = 0, int AbortStatus = 503);

/// <summary>
/// What the console's canary wizard asks for: weights per subset of one service, an optional header route ahead of
/// them and an optional fault on every route. It becomes one VirtualService for the service's host, named after the one
/// already routing that host (so it replaces it instead of conflicting with it) or after the service.
/// </summary>
public sealed record CanaryPlan(string Namespace, string Service, IReadOnlyDictionary<string, int> Weights,
    HeaderRoute? HeaderRoute = null, FaultPlan? Fault = null, string? Name = null)
{
    /// <summary>The VirtualService as Istio YAML. Subsets at 0 % are left out; the loader and analyzer judge the rest.</summary>
    public string ToYaml()
    {
        // The routes are written at column 0 and indented under spec.http at the end.
        var yaml = new StringBuilder();
        if (HeaderRoute is { } header)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                - name: {Scalar($"{header.Header}-{header.Value}")}
                  match:
                  - headers:
                      {Scalar(header.Header.ToLowerInvariant())}:
                        exact: {Scalar(header.Value)}

                """);
            AppendFault(yaml);
            yaml.Append(CultureInfo.InvariantCulture, $"""
                  route:
                  - destination:
                      host: {Scalar(Service)}
                      subset: {Scalar(header.Subset)}

                """);
        }

        yaml.Append("- name: weighted\n");
        AppendFault(yaml);
        yaml.Append("  route:\n");
        foreach (var (subset, weight) in Weights.Where(w => w.Value != 0).OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                  - destination:
                      host: {Scalar(Service)}
                      subset: {Scalar(subset)}
                    weight: {weight}

                """);
        }

        var http = string.Concat(yaml.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => $"    {line}\n"));
        return $"""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: {Scalar(Name ?? Service)}
              namespace: {Scalar(Namespace)}
            spec:
              hosts:
              - {Scalar(Service)}
              http:

            """ + http;
    }

    private void AppendFault(StringBuilder yaml)
    {
        if (Fault is not { } fault || (fault.DelayPercent <= 0 && fault.AbortPercent <= 0))
        {
            return;
        }

        yaml.Append("  fault:\n");
        if (fault.DelayPercent > 0)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                    delay:
                      percentage:
                        value: {fault.DelayPercent}
                      fixedDelay: {Scalar(fault.FixedDelay)}

                """);
        }

        if (fault.AbortPercent > 0)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                    abort:
                      percentage:
                        value: {fault.AbortPercent}
                      httpStatus: {fault.AbortStatus}

                """);
        }
    }

    /// <summary>A YAML scalar that stays a string whatever the user typed: plain when safe, else double-quoted and escaped.</summary>
    private static string Scalar(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_') && char.IsAsciiLetter(value[0]) && !IsYamlKeyword(value)
            ? value
            : $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    private static bool IsYamlKeyword(string value) =>
        value.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "y" or "n";

    /// <summary>The qualified host the plan routes.</summary>
    public string Host => Hostnames.Qualify(Service, Namespace);
}
