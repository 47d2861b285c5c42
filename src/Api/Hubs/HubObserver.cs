using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parking.Domain.Sharing;
using Parking.Api.Endpoints;
using Parking.Grains.Notifications;
using Parking.Grains.Voting;

namespace Parking.Api.Hubs;

/// <summary>This host's ear in the cluster: pushes published on any silo arrive here and go to local clients.</summary>
public sealed partial class HubObserver(
    IHubContext<ParkingHubServer, IParkingClient> hub,
    IOptions<SharingPolicy> sharing,
    Microsoft.Extensions.Logging.ILogger<HubObserver> logger) : IHubObserver
{
    /// <summary>The compound's local time: the times of day in a notice's sentence are read in it.</summary>
    private readonly TimeSpan _utcOffset = sharing.Value.UtcOffset;

    /// <summary>Sends a batch on to local clients in its order; one push that fails to send does not hold back the others.</summary>
    public async Task Deliver(IReadOnlyList<Push> pushes)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        foreach (var push in pushes)
        {
            try
            {
                await Send(push);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogSendFailed(e, push.GetType().Name);
            }
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "A {Push} could not be sent to this host's clients")]
    private partial void LogSendFailed(Exception exception, string push);

    private Task Send(Push push) => push switch
    {
        LotChangedPush lot => hub.Clients
            .Group(ParkingHubServer.LotGroup(lot.CompoundId, lot.LotId))
            .LotChanged(lot.Change.ToDto(lot.CompoundId, lot.LotId, lot.Epoch)),
        ReservationChangedPush changed => hub.Clients
            .Group(ParkingHubServer.UserGroup(changed.Reservation.CompoundId, changed.Reservation.ResidentId))
            .ReservationChanged(changed.Reservation.ToDto()),
        ShelterChangedPush shelter => hub.Clients
            .Group(ParkingHubServer.ShelterGroup(shelter.Shelter.CompoundId, shelter.Shelter.Definition.ShelterId))
            .ShelterChanged(shelter.Shelter.ToDto()),
        ShelterSessionChangedPush session => hub.Clients
            .Group(ParkingHubServer.UserGroup(session.Session.CompoundId, session.Session.ResidentId))
            .ShelterSessionChanged(session.Session.ToDto(session.Session.EndedAt ?? session.Session.LastReportAt ?? session.Session.StartedAt)),
        ShelterAlarmPush alarm => hub.Clients
            .Groups([ParkingHubServer.StaffGroup(alarm.CompoundId), .. alarm.Drivers.Select(d => ParkingHubServer.UserGroup(alarm.CompoundId, d))])
            .ShelterAlarm(alarm.Alarm.ToDto(alarm.CompoundId, alarm.ShelterId, alarm.Name)),
        Parking.Grains.Shelters.ShelterCommandFailedPush failed => hub.Clients
            .Group(ParkingHubServer.StaffGroup(failed.CompoundId))
            .ShelterCommandFailed(failed.ToDto()),
        Parking.Grains.Gates.GateReviewPush gate => hub.Clients
            .Group(ParkingHubServer.StaffGroup(gate.CompoundId))
            .GateReview(gate.Review.ToDto()),
        ChargingNoticePush charging => hub.Clients
            .Group(ParkingHubServer.UserGroup(charging.Notice.Request.CompoundId, charging.Notice.Request.ResidentId))
            .ChargingNotice(charging.Notice.ToDto(_utcOffset)),
        ChargingAreaChangedPush area => hub.Clients
            .Group(ParkingHubServer.ChargingAreaGroup(area.Area.CompoundId, area.Area.Definition.AreaId))
            .ChargingAreaChanged(area.Area.ToPlanDto()),
        DriverNoticePush notice => hub.Clients
            .Group(ParkingHubServer.UserGroup(notice.CompoundId, notice.ResidentId))
            .DriverNotice(notice.ToDto()),
        OverstayPush overstay => hub.Clients
            .Group(ParkingHubServer.StaffGroup(overstay.Overstay.CompoundId))
            .Overstay(new OverstayDto(overstay.Overstay.ToDto(), overstay.Next?.ToDto())),
        RoundResultPush round => hub.Clients
            .Group(ParkingHubServer.UserGroup(round.CompoundId, round.Result.Request.Asker.ResidentId))
            .RoundResult(round.Result.ToDto(round.Round)),
        RoundSummaryPush summary => hub.Clients
            .Group(ParkingHubServer.StaffGroup(summary.Report.CompoundId))
            .RoundSummary(summary.Report.ToDto()),
        WaitlistServedPush served => hub.Clients
            .Group(ParkingHubServer.UserGroup(served.CompoundId, served.Entry.Asker.ResidentId))
            .WaitlistServed(new WaitlistServedDto(served.Entry.ToDto(), served.SpaceId, served.ReservationIds)),
        SimulationProgressPush simulation => hub.Clients
            .Groups([ParkingHubServer.StaffGroup(simulation.Run.CompoundId), ParkingHubServer.CommitteeGroup(simulation.Run.CompoundId)])
            .SimulationProgress(simulation.Run.ToDto()),
        ProposalChangedPush proposal => Task.WhenAll(
            hub.Clients
                .Group(ParkingHubServer.ProposalCommitteeGroup(proposal.View.Proposal.CompoundId, proposal.View.Proposal.ProposalId))
                .ProposalChanged(proposal.View.ToDto(showTally: true)),
            hub.Clients
                .Group(ParkingHubServer.ProposalGroup(proposal.View.Proposal.CompoundId, proposal.View.Proposal.ProposalId))
                .ProposalChanged(proposal.View.ToDto(showTally: false))),
        ChargerAlertPush alert => hub.Clients
            .Group(ParkingHubServer.StaffGroup(alert.CompoundId))
            .ChargerAlert(new ChargerAlertDto(alert.ChargerId, Ocpp.OcppEndpoints.ToDto(alert.Kind), alert.Message, alert.At)),
        _ => Task.CompletedTask,
    };
}
