using Parking.Grains.Membership;

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

/// <summary>
/// The grains keyed by a person in a compound (their resident grain, their notice inbox) store nothing for someone who
/// is not a member there: what a person's leaving itself causes (their cancelled bookings, notices) arrives one way
/// afterwards and must not write their record again.
/// </summary>
internal static class PersonalRecords
{
    public static async Task<bool> IsMember(IGrainFactory grains, string compoundId, string personId) =>
        (await grains.Member(personId).Get()).Memberships.Any(m => m.CompoundId == compoundId);

    /// <summary>A person's grain stored its first record: the compound's retention sweep reaches it from now on.</summary>
    public static void Started(IGrainFactory grains, string compoundId, string personId) =>
        grains.HistoryRetentionList(compoundId, personId).Track(personId).Ignore();
}
