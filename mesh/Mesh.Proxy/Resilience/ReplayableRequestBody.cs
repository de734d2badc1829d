namespace Mesh.Proxy.Resilience;

/// <summary>
/// Wraps a request body so it can be sent again on a retry, the way Envoy buffers for retries: bytes are kept as
/// they stream to the first attempt (nothing waits for the whole body), up to a limit. A rewind replays the kept
/// bytes and then continues from the original stream. Past the limit the body can no longer be replayed, and the
/// request is not retried.
/// </summary>
public sealed class ReplayableRequestBody(Stream inner, int limit, long? declaredLength = null) : Stream
{
    public const int DefaultLimit = 64 * 1024;

    private readonly MemoryStream _kept = new();
    private readonly bool _tooLarge = declaredLength > limit;
    private long _replayPosition = -1;
    private volatile bool _frozen;

    private long _read;

    /// <summary>Bytes of the body read from the client (each byte once, however many attempts replayed it).</summary>
    public long BytesRead => Interlocked.Read(ref _read);

    /// <summary>False when the declared length or the bytes read exceed the limit: the body cannot be sent again.</summary>
    public bool CanReplay => !_tooLarge && _kept.Length <= limit;

    /// <summary>Stops the failed attempt from consuming more of the body: its reads end here until the next rewind.</summary>
    public void Freeze() => _frozen = true;

    /// <summary>Starts the body again from its first byte, for the next attempt. False when it cannot be replayed.</summary>
    public bool Rewind()
    {
        if (!CanReplay)
        {
            return false;
        }

        _replayPosition = 0;
        _frozen = false;
        return true;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_frozen)
        {
            return 0;
        }

        if (_replayPosition >= 0 && _replayPosition < _kept.Length)
        {
            var count = (int)Math.Min(buffer.Length, _kept.Length - _replayPosition);
            _kept.GetBuffer().AsMemory((int)_replayPosition, count).CopyTo(buffer);
            _replayPosition += count;
            return count;
        }

        var read = await inner.ReadAsync(buffer, cancellationToken);
        Interlocked.Add(ref _read, read);
        if (read > 0 && _kept.Length <= limit)
        {
            _kept.Write(buffer.Span[..read]);
            _replayPosition = _replayPosition >= 0 ? _kept.Length : -1;
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _kept.Dispose();
        }

        base.Dispose(disposing);
    }
}
