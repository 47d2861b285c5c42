using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Parking.Planning.Sharing;

namespace Parking.Grains.Rounds;

/// <summary>
/// A compound's allocation rounds and its waitlist (key: compound id). Requests gather in the open round;
/// a run (staff or the daily reminder) solves them against the free shared supply, books the assignments
/// through the spaces, keeps household rotation weights and pushes each driver their result. What cannot be
/// met waits on the waitlist and is booked, first in line first, when a space frees time.
/// </summary>
public interface IRoundGrain : IGrainWithStringKey
{
    /// <summary>Adds a request to the open round. <paramref name="round"/>, when given, must be the open round's number.</summary>
    Task<Outcome<RoundEntry>> Submit(RoundAsker asker, RoundAsk ask, int? round);

    Task<Outcome<RoundEntry>> Withdraw(string requestId, Actor actor);

    [ReadOnly]
    Task<OpenRound> GetOpenRound();

    /// <summary>The last finished round, or null when none has run.</summary>
    [ReadOnly]
    Task<RoundReport?> GetLastRound();

    /// <summary>Runs the open round now; <paramref name="startedBy"/> is the staff member (or <c>schedule</c>).</summary>
    Task<RoundReport> Run(string startedBy);

    [ReadOnly]
    Task<IReadOnlyDictionary<string, double>> GetHouseholdWeights();

    Task<Outcome<RoundEntry>> JoinWaitlist(RoundAsker asker, RoundAsk ask);

    Task<Outcome<RoundEntry>> LeaveWaitlist(string entryId, Actor actor);

    [ReadOnly]
    Task<IReadOnlyList<RoundEntry>> GetWaitlist();

    /// <summary>A space freed time (a cancellation, a no-show, a newly shared window): try the waitlist, first in line first.</summary>
    [OneWay]
    Task SpaceFreed(string spaceId);
}
