using Orleans.Runtime;

namespace Parking.Grains;

/// <summary>Writing a grain's state when its memory is already ahead of storage.</summary>
public static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; if the write fails, the activation is dropped (so the next one reloads what was really
    /// stored, and nothing half-written is served from memory), <paramref name="failed"/> hears why, and the caller
    /// sees the failure.
    /// </summary>
    public static async Task WriteOrDeactivateAsync<T>(this IPersistentState<T> state, IGrainBase grain, Action<Exception>? failed = null)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            failed?.Invoke(exception);
            grain.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "Its state could not be written: memory is ahead of storage."));
            throw;
        }
    }

    /// <summary>
    /// Stores a change a Domain method counted (<paramref name="changed"/>: how many items it changed or removed):
    /// written with <see cref="WriteOrDeactivateAsync{T}"/> only when something changed; returns the count.
    /// </summary>
    public static Task<int> WriteIfChangedAsync<T>(this IPersistentState<T> state, IGrainBase grain, int changed) =>
        WriteIfChangedAsync(changed, () => state.WriteOrDeactivateAsync(grain));

    /// <summary>The same for a grain that stores through its own writer (<paramref name="write"/>): called only when something changed.</summary>
    public static async Task<int> WriteIfChangedAsync(int changed, Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (changed > 0)
        {
            await write();
        }

        return changed;
    }
}
