using System.Threading.Channels;

namespace Mesh.ControlPlane.Discovery;

/// <summary>Tells the push coordinator that config or the registry changed, and why (for push-type metrics and logs).</summary>
public sealed class ChangeNotifier
{
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void Notify(string reason) => _changes.Writer.TryWrite(reason);

    public ChannelReader<string> Reader => _changes.Reader;
}
