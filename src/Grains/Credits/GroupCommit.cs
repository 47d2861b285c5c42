namespace Parking.Grains.Credits;

/// <summary>
/// Writes of a reentrant grain committed in groups: each call applies its change in memory at once (a turn never
/// yields between a check and its change), then waits for a write that covers it. While one write is under way, the
/// changes that arrive meanwhile gather and go out together in the next, so a caller waits for at most two writes.
/// No caller hears "done" before a write holding its change has completed. If a write fails, every caller still
/// waiting is told so, nothing more is written, and <paramref name="failed"/> runs (the grain drops its activation so
/// the next call reloads what storage really holds).
/// With a <paramref name="gather"/> time, each write first waits that long so that more changes join it: fewer, larger
/// writes for a grain whose callers do not wait on it (a settlement shard).
/// </summary>
internal sealed class GroupCommit(Func<Task> write, Action<Exception> failed, TimeSpan gather = default)
{
    private TaskCompletionSource? _waiting;
    private bool _writing;
    private Exception? _failure;

    /// <summary>A write is under way (a change made now waits for the next one).</summary>
    public bool Writing => _writing;

    /// <summary>Completes when a write holding every change made so far has been stored.</summary>
    public Task Save()
    {
        if (_failure is not null)
        {
            return Task.FromException(new InvalidOperationException("The ledger could not be stored; it will reload.", _failure));
        }

        var group = _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _writing = true;
            _ = WriteGroups();
        }

        return group.Task;
    }

    private async Task WriteGroups()
    {
        try
        {
            while (_waiting is not null)
            {
                if (gather > TimeSpan.Zero)
                {
                    await Task.Delay(gather);
                }

                var group = _waiting!;
                _waiting = null;
                try
                {
                    await write();
                    group.SetResult();
                }
                catch (Exception exception)
                {
                    _failure = exception;
                    group.SetException(exception);
                    _waiting?.SetException(exception);
                    _waiting = null;
                    failed(exception);
                    return;
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }
}
