namespace Parking.Grains;

/// <summary>
/// Wakes a grain at its next deadline. A one-shot timer on the domain clock (so a simulated or test
/// clock fires it too) sends the grain a message, so the work runs inside the grain one turn at a time;
/// a reminder is held while anything is due, so a grain that was deactivated or whose silo died is woken
/// again on a surviving silo. Shared by spaces (no-shows, overstays), charging areas and shelters.
/// </summary>
internal sealed class DeadlineWake(Grain grain, TimeProvider time, string reminderName)
{
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(5);

    private ITimer? _timer;
    private DateTimeOffset? _due;
    private IGrainReminder? _reminder;

    /// <summary>
    /// Arms the timer for <paramref name="due"/> (or disarms it when nothing is due) and registers or
    /// removes the reminder to match. <paramref name="wake"/> should call the grain through its own
    /// reference, not run the work on the timer's thread.
    /// </summary>
    public async Task Schedule(DateTimeOffset? due, Func<Task> wake)
    {
        if (due != _due)
        {
            _timer?.Dispose();
            _timer = null;
            _due = due;
            if (due is { } at)
            {
                var wait = at - time.GetUtcNow();
                _timer = time.CreateTimer(_ => wake().Ignore(), null, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
            }
        }

        if (due is not null && _reminder is null)
        {
            _reminder = await grain.RegisterOrUpdateReminder(reminderName, ReminderPeriod, ReminderPeriod);
        }
        else if (due is null && _reminder is not null)
        {
            await grain.UnregisterReminder(_reminder);
            _reminder = null;
        }
    }

    /// <summary>Picks up a reminder an earlier activation left, so <see cref="Schedule"/> can remove it.</summary>
    public async Task LoadReminder(CancellationToken cancellationToken = default) =>
        _reminder ??= await grain.GetReminder(reminderName, cancellationToken);

    /// <summary>Removes the reminder, including one left by an earlier activation (called when it fires with nothing due).</summary>
    public async Task Forget()
    {
        await LoadReminder();
        if (_reminder is not null)
        {
            await grain.UnregisterReminder(_reminder);
            _reminder = null;
        }
    }

    public void Stop() => _timer?.Dispose();
}
