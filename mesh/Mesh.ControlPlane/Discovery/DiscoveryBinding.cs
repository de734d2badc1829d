using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Contracts.Discovery;

namespace Mesh.ControlPlane.Discovery;

/// <summary>
/// Binds <see cref="MeshDiscoveryService"/> to the discovery protocol's Connect method with one difference from the
/// generated binding: a pushed snapshot is serialized once, when it is built, and those bytes are written to every
/// stream, instead of serializing the same message again for each of thousands of proxies. The wire is unchanged.
/// </summary>
public static class DiscoveryBinding
{
    private static readonly ConditionalWeakTable<ControlPlaneMessage, byte[]> Frozen = [];

    private static readonly Method<ProxyMessage, ControlPlaneMessage> Connect = new(
        MethodType.DuplexStreaming,
        MeshDiscovery.Descriptor.FullName,
        nameof(MeshDiscoveryService.Connect),
        Marshallers.Create<ProxyMessage>((message, context) => context.Complete(message.ToByteArray()), context => ProxyMessage.Parser.ParseFrom(context.PayloadAsReadOnlySequence())),
        Marshallers.Create<ControlPlaneMessage>(
            (message, context) => context.Complete(Frozen.TryGetValue(message, out var bytes) ? bytes : message.ToByteArray()),
            context => ControlPlaneMessage.Parser.ParseFrom(context.PayloadAsReadOnlySequence())));

    /// <summary>Serializes a message now; it must not change afterwards.</summary>
    public static ControlPlaneMessage Freeze(ControlPlaneMessage message)
    {
        Frozen.AddOrUpdate(message, message.ToByteArray());
        return message;
    }

    /// <summary>
    /// Called by gRPC's service binder (see <see cref="BindServiceMethodAttribute"/> on the service); it finds the
    /// handler by name on the service.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, MeshDiscoveryService? service) =>
        binder.AddMethod(Connect, service is null ? null! : service.Connect);
}
