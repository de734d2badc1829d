namespace Mesh.TestSupport;

/// <summary>Waits for a condition by polling it, with a generous deadline; no fixed sleeps in tests.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        T last;
        while (true)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // Not ready yet (refused, not routed): keep waiting until the deadline.
                last = default!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {(timeout ?? DefaultTimeout).TotalSeconds} s for {what}; last seen: {last}");
            }

            await Task.Delay(50);
        }
    }

    public static Task<bool> Until(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Until(condition, ok => ok, what, timeout);
}
