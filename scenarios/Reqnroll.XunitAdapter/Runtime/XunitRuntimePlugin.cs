using Reqnroll.Infrastructure;
using Reqnroll.Plugins;
using Reqnroll.Tracing;
using Reqnroll.UnitTestProvider;

namespace Reqnroll.XunitAdapter.Runtime;

/// <summary>Reqnroll runtime plugin: xunit outcomes for pending/ignored scenarios, step trace to the xunit output.</summary>
internal sealed class XunitRuntimePlugin : IRuntimePlugin
{
    private const string UnitTestProviderName = "xunit";

    public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters, UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        runtimePluginEvents.RegisterGlobalDependencies += (_, e) =>
            e.ObjectContainer.RegisterTypeAs<XunitRuntimeProvider, IUnitTestRuntimeProvider>(UnitTestProviderName);

        runtimePluginEvents.CustomizeTestThreadDependencies += (_, e) =>
        {
            e.ObjectContainer.RegisterTypeAs<TestOutputTraceListener, ITraceListener>();
            e.ObjectContainer.RegisterTypeAs<ReqnrollAttachmentHandler, IReqnrollAttachmentHandler>();
        };

        unitTestProviderConfiguration.UseUnitTestProvider(UnitTestProviderName);
    }
}
