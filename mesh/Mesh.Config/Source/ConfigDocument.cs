namespace Mesh.Config.Source;

/// <summary>
/// The text of one YAML document as the user wrote it, with the file it came from and the line it starts on,
/// so that a document can be moved (pushed to a proxy, stored) and still report positions in the user's file.
/// </summary>
public sealed record ConfigDocument(string File, int FirstLine, string Text);
