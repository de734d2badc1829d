namespace Mesh.TestSupport;

/// <summary>A scratch folder for one test, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mesh-test-" + Guid.NewGuid().ToString("N")[..12]);

    public string Write(string file, string text)
    {
        var path = System.IO.Path.Combine(Path, file);
        File.WriteAllText(path, text);
        return path;
    }

    public void Delete(string file) => File.Delete(System.IO.Path.Combine(Path, file));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
