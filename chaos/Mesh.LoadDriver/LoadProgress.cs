namespace Mesh.LoadDriver;

/// <summary>A running load's state, reported about once a second (for the CLI's live line).</summary>
public readonly record struct LoadProgress(long Completed, long Failed, TimeSpan Elapsed, double CurrentRate);
