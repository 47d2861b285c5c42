using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Grains;
using Parking.Domain.Gates;
using Parking.Grains.Gates;
using Xunit;

namespace Parking.Api.Tests.Gates;

/// <summary>A host of its own: the gate's decisions change reservations and the compound's staff list.</summary>
public sealed class GateHostFixture : OwnHostFixture;

/// <summary>A gate camera of the small demo compound posting signed events, as a real camera would over HTTP.</summary>
public sealed class GateTests(GateHostFixture fixture) : IClassFixture<GateHostFixture>
{
    private const string Staff = "staff01";
    private readonly ParkingHost _host = fixture.Host;

    private static string EventsPath(string gateId) => ParkingHost.CompoundPath($"gates/{gateId}/events");

    private async Task<string> Provision(string gateId)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath($"gates/{gateId}/credentials"), Staff);
        await ParkingHost.Expect(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<GateCredentialsDto>(ParkingHost.Json))!.Secret;
    }

    private object Event(string eventId, string direction, string plate, double confidence = 0.97) => new
    {
        eventId,
        direction,
        plate,
        plateColour = "blue",
        confidence,
        eventTime = _host.Now,
        pictureRef = $"cam/{eventId}.jpg",
    };

    /// <summary>Posts an event signed with <paramref name="secret"/> at <paramref name="timestamp"/> (now by default).</summary>
    private async Task<HttpResponseMessage> Post(string gateId, string secret, object body, long? timestamp = null, string? signature = null, string? bearer = null)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, ParkingHost.Json);
        var path = EventsPath(gateId);
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (bearer is null)
        {
            request.Headers.Add(GateSigning.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(GateSigning.SignatureHeader, signature ?? GateSigning.Sign(secret, ts, "POST", path, bytes));
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await _host.Http.SendAsync(request);
    }

    private async Task<GateDecisionDto> PostOk(string gateId, string secret, object body, long? timestamp = null)
    {
        using var response = await Post(gateId, secret, body, timestamp);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<GateDecisionDto>(ParkingHost.Json))!;
    }

    /// <summary>The space grains tell the plate index about a booked plate one way; wait until it knows (not a timing assert).</summary>
    private async Task WaitUntilIndexed(string plate, DateTimeOffset at, ReservationStatus status)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            var facts = await _host.Grains.GetGrain<IPlateIndexGrain>(ParkingHost.Compound).Lookup(plate, at);
            if ((status == ReservationStatus.Reserved ? facts.Arriving : facts.CheckedIn) is not null)
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"The plate index never learnt of {plate} ({status}).");
            await Task.Delay(50);
        }
    }

    private async Task<string> FreeSpace(DateTimeOffset start, DateTimeOffset end, int skip) =>
        (await _host.SearchAsync("r00041", start, end)).Spaces.Where(s => s.Kind.WireName() == "standard").Skip(skip).First().SpaceId;

    [Fact]
    public async Task Entry_checks_a_booking_in_exit_checks_it_out_and_a_retry_changes_nothing_twice()
    {
        var secret = await Provision("north");
        var start = _host.Now.AddMinutes(10);
        var booked = await _host.ReserveOkAsync("r00041", await FreeSpace(start, start.AddHours(2), 0), start, start.AddHours(2), plate: "沪B·7E123");
        await WaitUntilIndexed("沪B7E123", _host.Now, ReservationStatus.Reserved);

        // The camera reads the plate its own way: lower case, a space instead of the middle dot.
        var entry = Event("n-0001", "in", "沪b 7e123");
        var decision = await PostOk("north", secret, entry);
        Assert.Equal((GateVerdictDto.Open, GateReasonDto.CheckedIn, booked.Id, false), (decision.Decision, decision.Reason, decision.ReservationId, decision.Review));
        var checkedIn = await Stored(booked);
        Assert.Equal(ReservationStatus.CheckedIn, checkedIn.Status);

        // The camera did not hear the answer and sends the same event again, signed afresh a second later (a request
        // identical to the byte, timestamp included, is a replay and refused): same answer, no second change.
        var retry = await PostOk("north", secret, entry, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(decision, retry);
        Assert.Equal(checkedIn.Revision, (await Stored(booked)).Revision);

        await WaitUntilIndexed("沪B7E123", _host.Now, ReservationStatus.CheckedIn);
        var exit = await PostOk("north", secret, Event("n-0002", "out", "沪B7E123"));
        Assert.Equal((GateVerdictDto.Open, GateReasonDto.CheckedOut, booked.Id), (exit.Decision, exit.Reason, exit.ReservationId));
        Assert.Equal(ReservationStatus.Completed, (await Stored(booked)).Status);
    }

    [Fact]
    public async Task A_booking_made_before_the_plate_index_was_activated_is_checked_in_by_the_gate()
    {
        var secret = await Provision("upgrade");
        var start = _host.Now.AddMinutes(5);
        var booked = await _host.ReserveOkAsync("r00042", await FreeSpace(start, start.AddHours(1), 1), start, start.AddHours(1), plate: "沪D55501");
        await WaitUntilIndexed("沪D55501", _host.Now, ReservationStatus.Reserved);

        // The index goes away (a silo restart, an idle deactivation) and comes back knowing nothing of its own:
        // it must read the booking from its space before it answers the gate.
        await _host.Grains.GetGrain<IPlateIndexGrain>(ParkingHost.Compound).Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        var decision = await PostOk("upgrade", secret, Event("u-0001", "in", "沪D55501"));
        Assert.Equal((GateVerdictDto.Open, GateReasonDto.CheckedIn, booked.Id), (decision.Decision, decision.Reason, decision.ReservationId));
        Assert.Equal(ReservationStatus.CheckedIn, (await Stored(booked)).Status);
    }

    [Fact]
    public async Task Forged_replayed_stale_and_person_signed_requests_are_refused_and_change_nothing()
    {
        var secret = await Provision("south");
        var body = Event("s-0001", "in", "沪C12345");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, ParkingHost.Json);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using (var forged = await Post("south", secret, body, signature: GateSigning.Sign("not-the-secret", now, "POST", EventsPath("south"), bytes)))
        {
            await ProblemAssert.Expect(forged, HttpStatusCode.Unauthorized, "signature-invalid");
        }

        using (var stale = await Post("south", secret, body, timestamp: now - 600))
        {
            await ProblemAssert.Expect(stale, HttpStatusCode.Unauthorized, "timestamp-stale");
        }

        using (var person = await Post("south", secret, body, bearer: await _host.TokenFor(Staff)))
        {
            await ProblemAssert.Expect(person, HttpStatusCode.Unauthorized, "signature-missing");
        }

        using (var unknownGate = await Post("west", secret, body))
        {
            await ProblemAssert.Expect(unknownGate, HttpStatusCode.Unauthorized, "device-unknown");
        }

        Assert.DoesNotContain(await Reviews(), r => r.EventId == "s-0001");

        var signature = GateSigning.Sign(secret, now, "POST", EventsPath("south"), bytes);
        using (var first = await Post("south", secret, body, timestamp: now, signature: signature))
        {
            await ParkingHost.Expect(first, HttpStatusCode.OK);
        }

        using (var replay = await Post("south", secret, body, timestamp: now, signature: signature))
        {
            await ProblemAssert.Expect(replay, HttpStatusCode.Unauthorized, "request-replayed");
        }

        // Rotation retires the old secret at once; revocation retires the gate.
        var rotated = await Provision("south");
        using (var old = await Post("south", secret, Event("s-0002", "in", "沪C12345")))
        {
            await ProblemAssert.Expect(old, HttpStatusCode.Unauthorized, "signature-invalid");
        }

        await PostOk("south", rotated, Event("s-0003", "in", "沪C12345"));
        using (var revoke = await _host.SendAsync(HttpMethod.Delete, ParkingHost.CompoundPath("gates/south/credentials"), Staff))
        {
            await ParkingHost.Expect(revoke, HttpStatusCode.NoContent);
        }

        using var revoked = await Post("south", rotated, Event("s-0004", "in", "沪C12345"));
        await ProblemAssert.Expect(revoked, HttpStatusCode.Unauthorized, "device-unknown");
    }

    [Fact]
    public async Task Unknown_and_doubtful_plates_reach_staff_a_households_own_car_opens_and_bad_events_are_refused()
    {
        var secret = await Provision("east");
        await using var staff = await _host.ConnectHubAsync(Staff);
        var pushed = new TaskCompletionSource<GateReviewDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = staff.Connection.On<GateReviewDto>(nameof(IParkingClient.GateReview), r =>
        {
            if (r.EventId == "e-0001")
            {
                pushed.TrySetResult(r);
            }
        });

        var unknown = await PostOk("east", secret, Event("e-0001", "in", "苏E99999"));
        Assert.Equal((GateVerdictDto.Deny, GateReasonDto.UnknownPlate, true), (unknown.Decision, unknown.Reason, unknown.Review));
        Assert.Equal("苏E99999", (await pushed.Task.WaitAsync(HubClient.PushTimeout)).Plate);

        // A resident's own car whose household owns a space: the barrier opens and nothing else happens.
        var (plate, _) = await HouseholdCarWithOwnSpace();
        var own = await PostOk("east", secret, Event("e-0002", "in", plate));
        Assert.Equal((GateVerdictDto.Open, GateReasonDto.HouseholdCar, false), (own.Decision, own.Reason, own.Review));

        var doubtful = await PostOk("east", secret, Event("e-0003", "in", plate, confidence: 0.4));
        Assert.Equal((GateVerdictDto.Deny, GateReasonDto.LowConfidence, true), (doubtful.Decision, doubtful.Reason, doubtful.Review));

        var listed = await Reviews();
        Assert.Contains(listed, r => r.EventId == "e-0001" && r.Reason == GateReasonDto.UnknownPlate && r.PictureRef == "cam/e-0001.jpg");
        Assert.Contains(listed, r => r.EventId == "e-0003" && r.Reason == GateReasonDto.LowConfidence);
        Assert.DoesNotContain(listed, r => r.EventId == "e-0002");

        using (var decided = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("gates/east/events/e-0001/decision"), Staff, new GateReviewDecisionRequest(true)))
        {
            await ParkingHost.Expect(decided, HttpStatusCode.OK);
        }

        using (var again = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("gates/east/events/e-0001/decision"), Staff, new GateReviewDecisionRequest(false)))
        {
            await ProblemAssert.Expect(again, HttpStatusCode.Conflict, "review-resolved");
        }

        Assert.DoesNotContain(await Reviews(), r => r.EventId == "e-0001");

        // Bad events name the field and record nothing: the same event id still works afterwards.
        using (var noPlate = await Post("east", secret, new { eventId = "e-0004", direction = "in", plateColour = "blue", confidence = 0.9, eventTime = _host.Now }))
        {
            await ProblemAssert.Expect(noPlate, HttpStatusCode.BadRequest, field: "plate");
        }

        using (var badConfidence = await Post("east", secret, Event("e-0004", "in", "苏E88888", confidence: 1.5)))
        {
            await ProblemAssert.Expect(badConfidence, HttpStatusCode.BadRequest, "confidence-invalid", "confidence");
        }

        using (var badDirection = await Post("east", secret, Event("e-0004", "sideways", "苏E88888")))
        {
            await ProblemAssert.Expect(badDirection, HttpStatusCode.BadRequest, field: "direction");
        }

        Assert.Equal(GateReasonDto.UnknownPlate, (await PostOk("east", secret, Event("e-0004", "in", "苏E88888"))).Reason);
    }

    /// <summary>The reservation as its space holds it (the driver's list catches up one way, a moment later).</summary>
    private async Task<Reservation> Stored(ReservationDto booked) =>
        (await _host.Grains.Space(ParkingHost.Compound, booked.SpaceId).GetReservation(booked.Id, new Actor(Staff, IsStaff: true))).Value!;

    private async Task<GateReviewDto[]> Reviews() =>
        await _host.GetOkAsync<GateReviewDto[]>(ParkingHost.CompoundPath("gates/reviews"), Staff);

    private async Task<(string Plate, string Household)> HouseholdCarWithOwnSpace()
    {
        var compound = _host.Grains.Compound(ParkingHost.Compound);
        var layout = (await compound.GetLayout())!;
        var owners = layout.Lots.SelectMany(l => l.Spaces)
            .Where(s => s.Ownership == SpaceOwnership.Private && s.OwnerHouseholdId is not null)
            .Select(s => s.OwnerHouseholdId!)
            .ToHashSet(StringComparer.Ordinal);
        var user = (await compound.GetUsers(UserRole.Resident, int.MaxValue))
            .First(u => u.Vehicles.Count > 0 && u.HouseholdId is { } h && owners.Contains(h));
        return (user.Vehicles[0].Plate, user.HouseholdId!);
    }
}
