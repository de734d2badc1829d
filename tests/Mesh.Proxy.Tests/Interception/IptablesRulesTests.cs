using Mesh.Kubernetes.Injection;
using Mesh.Proxy.Interception;

namespace Mesh.Proxy.Tests.Interception;

public class IptablesRulesTests
{
    [Fact]
    public void Parse_TheInjectedInitContainersArguments_GivesIstioInitsRules()
    {
        var rules = IptablesRules.Parse([.. SidecarInjector.IptablesArguments]);

        Assert.Equal((1337L, 15006, 15001), (rules.ProxyUid, rules.InboundPort, rules.OutboundPort));
        Assert.Equal([15090, 15021], rules.ExcludeInboundPorts);
        var commands = rules.Commands().Select(c => string.Join(' ', c)).ToList();
        Assert.Contains("-w -t nat -A MESH_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006", commands);
        Assert.Contains("-w -t nat -A MESH_REDIRECT -p tcp -j REDIRECT --to-ports 15001", commands);
        Assert.Contains("-w -t nat -A MESH_OUTPUT -m owner --uid-owner 1337 -j RETURN", commands);

        // The sidecar's own traffic and loopback leave before anything is redirected; excluded ports before the inbound redirect.
        Assert.True(commands.IndexOf("-w -t nat -A MESH_OUTPUT -m owner --uid-owner 1337 -j RETURN") < commands.IndexOf("-w -t nat -A MESH_OUTPUT -j MESH_REDIRECT"));
        Assert.True(commands.IndexOf("-w -t nat -A MESH_INBOUND -p tcp --dport 15090 -j RETURN") < commands.IndexOf("-w -t nat -A MESH_INBOUND -p tcp -j MESH_IN_REDIRECT"));
    }

    [Theory]
    [InlineData(new[] { "--proxy-uid" }, "expected --option value pairs")]
    [InlineData(new[] { "--inbound-port", "x" }, "--inbound-port must be a number")]
    [InlineData(new[] { "--exclude-inbound-ports", "15000,abc" }, "'abc' is not a port")]
    [InlineData(new[] { "--outbound", "15001" }, "unknown option --outbound")]
    public void Parse_BadArguments_SayWhich(string[] arguments, string reason) =>
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => IptablesRules.Parse(arguments)).Message, StringComparison.Ordinal);
}
