using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Grains.Notifications;

namespace Parking.Grains.Sharing;

[StatelessWorker]
[Reentrant]
public sealed partial class SharingMoverGrain(
    IOptions<ReservationPolicy> policyOptions,
    ParkingClock time,
    ILogger<SharingMoverGrain> logger) : Grain, ISharingMoverGrain
{
    private const int Candidates = 10;

    public async Task MoveBroken(Reservation broken, SpaceKind kind, BrokenBookingReason reason)
    {
        var compoundId = broken.CompoundId;
        try
        {
            var replacement = await FindAndBook(broken, kind);
            GrainFactory.Publish(new DriverNoticePush(compoundId, broken.ResidentId, reason, broken, replacement));
            LogMoved(broken.Id, replacement?.Id ?? "(none)", reason);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The driver must hear of it even when the search failed.
            LogMoveFailed(exception, broken.Id);
            GrainFactory.Publish(new DriverNoticePush(compoundId, broken.ResidentId, reason, broken, null));
        }
    }

    public async Task MoveAway(Reservation waiting, SpaceKind kind)
    {
        Reservation? replacement = null;
        try
        {
            replacement = await FindAndBook(waiting, kind);
            if (replacement is not null)
            {
                // Cancelled as staff would: refunded in full, the driver did nothing wrong.
                await GrainFactory.Space(waiting.CompoundId, waiting.SpaceId).Cancel(waiting.Id, new Actor("overstay", IsStaff: true));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogMoveFailed(exception, waiting.Id);
        }

        GrainFactory.Publish(new DriverNoticePush(waiting.CompoundId, waiting.ResidentId, BrokenBookingReason.Overstay, waiting, replacement));
        LogMoved(waiting.Id, replacement?.Id ?? "(none)", BrokenBookingReason.Overstay);
    }

    private async Task<Reservation?> FindAndBook(Reservation broken, SpaceKind kind)
    {
        var policy = policyOptions.Value;
        var now = time.GetUtcNow();

        // A booking whose window has begun moves for the rest of it.
        var window = broken.Window.Start < now ? broken.Window with { Start = now } : broken.Window;
        if (window.Duration < policy.MinimumLength)
        {
            return null;
        }

        var driver = await GrainFactory.Compound(broken.CompoundId).GetUser(broken.ResidentId);
        var search = await GrainFactory.Availability(broken.CompoundId).Search(new AvailabilityQuery(window, kind, driver?.BuildingId, Candidates));
        foreach (var candidate in search.Value ?? [])
        {
            if (candidate.SpaceId == broken.SpaceId)
            {
                continue;
            }

            // The key names the broken booking: a move retried after a failure never books twice.
            var made = await GrainFactory.Resident(broken.CompoundId, broken.ResidentId)
                .Reserve(candidate.SpaceId, window, broken.Plate, $"moved:{broken.Id}");
            if (made.Value is { } result)
            {
                return result.Reservation;
            }

            if (made.Error?.Code == "idempotency-key-reused")
            {
                return null;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Broken booking {ReservationId} ({Reason}) moved to {Replacement}")]
    private partial void LogMoved(string reservationId, string replacement, BrokenBookingReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not move broken booking {ReservationId}; the driver is told")]
    private partial void LogMoveFailed(Exception exception, string reservationId);
}
