namespace Parking.Contracts;

/// <summary>The SignalR hub's address and method names, shared by server and clients.</summary>
public static class ParkingHub
{
    public const string Path = "/hubs/parking";

    /// <summary>Server method: start watching a lot; returns its current <see cref="LotOccupancyDto"/>.</summary>
    public const string WatchLot = nameof(WatchLot);

    /// <summary>Server method: stop watching a lot.</summary>
    public const string UnwatchLot = nameof(UnwatchLot);

    /// <summary>Server method (staff): start watching an e-bike shelter; returns its current <see cref="ShelterDto"/>.</summary>
    public const string WatchShelter = nameof(WatchShelter);

    /// <summary>Server method: stop watching a shelter.</summary>
    public const string UnwatchShelter = nameof(UnwatchShelter);

    /// <summary>Server method (staff): start watching a charging area; returns its current <see cref="ChargingPlanDto"/>.</summary>
    public const string WatchChargingArea = nameof(WatchChargingArea);

    /// <summary>Server method: stop watching a charging area.</summary>
    public const string UnwatchChargingArea = nameof(UnwatchChargingArea);

    /// <summary>Server method (anyone of the compound): start watching a proposal's vote; returns its current <see cref="ProposalDto"/>.</summary>
    public const string WatchProposal = nameof(WatchProposal);

    /// <summary>Server method: stop watching a proposal.</summary>
    public const string UnwatchProposal = nameof(UnwatchProposal);

    /// <summary>
    /// Server method (whoever may see the job: who started it, the compound's staff, an operator of its sub-district):
    /// start hearing an import job's progress (<see cref="IParkingClient.ImportProgress"/>); returns it as it is now.
    /// </summary>
    public const string WatchImport = nameof(WatchImport);

    /// <summary>Server method: stop hearing an import job's progress.</summary>
    public const string UnwatchImport = nameof(UnwatchImport);
}

/// <summary>
/// What the server calls on a connected client. A client hears about the lots it watches and about
/// its own reservations, nothing else.
/// </summary>
public interface IParkingClient
{
    /// <summary>
    /// A watched lot's changes, one message per lot per batch (the host gathers a lot's changes for about 20 ms): one
    /// lot, consecutive sequence numbers of one epoch, oldest first. A gap to what the client last saw means it missed
    /// a batch (fetch <c>/changes?epoch=&amp;since=</c>).
    /// </summary>
    Task LotChanges(IReadOnlyList<LotChangeDto> changes);

    Task ReservationChanged(ReservationDto reservation);

    /// <summary>A watched shelter changed (staff who called WatchShelter).</summary>
    Task ShelterChanged(ShelterDto shelter);

    /// <summary>One of your shelter sessions started or ended, and why.</summary>
    Task ShelterSessionChanged(ShelterSessionDto session);

    /// <summary>A shelter's alarm was raised or cleared: to the compound's staff, and to the drivers whose sessions it cut.</summary>
    Task ShelterAlarm(ShelterAlarmDto alarm);

    /// <summary>Staff: a command to a shelter's controller did not switch its ports; kind port-did-not-cut is the louder, second alarm.</summary>
    Task ShelterCommandFailed(ShelterCommandFailedDto failure);

    /// <summary>Staff: a gate event needs a decision (an unknown or doubtful plate, a car without a booking while the lots are full).</summary>
    Task GateReview(GateReviewDto review);

    /// <summary>Something about one of your charging requests: a turn planned or moved, plug in now, move the car...</summary>
    Task ChargingNotice(ChargingNoticeDto notice);

    /// <summary>A watched charging area changed (staff): its chargers and turns as they are now.</summary>
    Task ChargingAreaChanged(ChargingPlanDto area);

    /// <summary>One of your bookings broke (its window was withdrawn, or the car before overstays): where you were moved, if anywhere.</summary>
    Task DriverNotice(DriverNoticeDto notice);

    /// <summary>Staff: a car is still checked in past its reservation's end.</summary>
    Task Overstay(OverstayDto overstay);

    /// <summary>Your result in an allocation round that just ran: booked, or waitlisted and why.</summary>
    Task RoundResult(RoundResultDto result);

    /// <summary>The summary of a round you (staff) started: its figures and every request's result.</summary>
    Task RoundSummary(RoundReportDto report);

    /// <summary>Your waitlist entry was booked.</summary>
    Task WaitlistServed(WaitlistServedDto served);

    /// <summary>Committee and staff: a simulation run of the compound moved on, finished, failed or was cancelled.</summary>
    Task SimulationProgress(SimulationRunDto run);

    /// <summary>Staff: a charger draws above its profile, or a command to it was refused or failed.</summary>
    Task ChargerAlert(ChargerAlertDto alert);

    /// <summary>A watched proposal's vote changed: its turnout, and its tallies for the committee (for everyone once closed).</summary>
    Task ProposalChanged(ProposalDto proposal);

    /// <summary>
    /// A watched import job moved on (its phase, items done), was asked to cancel, or ended (applied with its report,
    /// cancelled, failed). Sent at each of the importer's checkpoints; the last message has a state other than running.
    /// </summary>
    Task ImportProgress(ImportJobDto job);
}
