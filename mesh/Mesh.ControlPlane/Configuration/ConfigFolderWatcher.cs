using Mesh.ControlPlane.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.ControlPlane.Configuration;

/// <summary>Loads the config folder at start and reloads it when a file in it changes (editors write in bursts, so changes are coalesced).</summary>
public sealed class ConfigFolderWatcher(ConfigStore store, IOptions<ControlPlaneOptions> options, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        store.Load();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var directory = Path.GetFullPath(options.Value.ConfigDirectory);
        Directory.CreateDirectory(directory);
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        void OnChange(object? sender, FileSystemEventArgs e) => changed.Release();
        watcher.Changed += OnChange;
        watcher.Created += OnChange;
        watcher.Deleted += OnChange;
        watcher.Renamed += (s, e) => changed.Release();

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await changed.WaitAsync(stoppingToken);
                await Task.Delay(Settle, time, stoppingToken);
                while (changed.CurrentCount > 0)
                {
                    await changed.WaitAsync(stoppingToken);
                }

                store.ReloadFiles("file change");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
