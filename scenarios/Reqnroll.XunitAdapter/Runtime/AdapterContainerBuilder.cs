using Reqnroll.BoDi;
using Reqnroll.Infrastructure;
using Reqnroll.Plugins;

namespace Reqnroll.XunitAdapter.Runtime;

/// <summary>
/// Reqnroll's container builder with the adapter's runtime plugin registered in code, so the adapter needs neither
/// a <c>*.ReqnrollPlugin.dll</c> file name nor an <c>[assembly: RuntimePlugin]</c> in the test project.
/// </summary>
internal sealed class AdapterContainerBuilder : ContainerBuilder
{
    protected override void RegisterDefaults(ObjectContainer container)
    {
        base.RegisterDefaults(container);
        container.RegisterInstanceAs<IRuntimePlugin>(new XunitRuntimePlugin(), nameof(XunitAdapter));
    }
}
