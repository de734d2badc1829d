using System.Threading.Channels;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// Tells the push coordinator that config or the registry changed, and why (for push-type metrics and logs). The
/// queue is bounded: a storm of registrations cannot grow it without limit, and since every push is built from the
/// current state, a reason dropped under pressure loses only its label, never a change.
/// </summary>
public sealed class ChangeNotifier
{
    private readonly Channel<string> _changes = Channel.CreateBounded<string>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public void Notify(string reason) => _changes.Writer.TryWrite(reason);

    public ChannelReader<string> Reader => _changes.Reader;
}
