namespace Parking.Grains;

/// <summary>
/// A grain whose stored state keeps what happened to people (ended bookings, finished charging requests, e-bike
/// sessions, notices, gate events with plates): the compound's retention sweep asks it to drop what ended before the
/// cutoff, since an idle grain never prunes its own state.
/// </summary>
public interface IPersonalHistory : IGrainWithStringKey
{
    /// <summary>Drops what ended before <paramref name="cutoff"/> and stores the rest; returns how many entries went.</summary>
    Task<int> ForgetBefore(DateTimeOffset cutoff);
}
