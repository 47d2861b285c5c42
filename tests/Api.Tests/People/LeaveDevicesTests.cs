using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Grains;
using Parking.Domain.Gates;
using Parking.Domain.Reservations;
using Parking.Grains.Gates;
using Parking.Grains.Membership;
using Parking.Grains.Ocpp;
using Xunit;

namespace Parking.Api.Tests.People;

/// <summary>A host of its own: these tests leave the compound, move its clock by a month and use its chargers.</summary>
public sealed class LeaveDevicesHostFixture : OwnHostFixture;

/// <summary>
/// What the gate and the chargers keep about a person: the gate events staff decided (plate and camera picture), the
/// charge points' metered sessions and issued idTags, the person's RFID cards. Leaving takes all of it at once; the
/// retention sweep reaches the charge points' sessions too. Real host, real OCPP client on a WebSocket, signed gate
/// requests, tokens with only <c>sub</c>.
/// </summary>
public sealed class LeaveDevicesTests(LeaveDevicesHostFixture fixture) : IClassFixture<LeaveDevicesHostFixture>
{
    private const string Staff = "staff01";
    private const string Gate = "south";
    private readonly ParkingHost _host = fixture.Host;

    private static string Path(string relative) => ParkingHost.CompoundPath(relative);

    private Task<T> Ok<T>(HttpMethod method, string path, string person, object? body = null, HttpStatusCode status = HttpStatusCode.OK) =>
        _host.OkAsPersonAsync<T>(method, path, person, body, status);

    private async Task<string> GateSecret() =>
        (await Ok<GateCredentialsDto>(HttpMethod.Post, Path($"gates/{Gate}/credentials"), Staff, status: HttpStatusCode.Created)).Secret;

    /// <summary>A camera reading the plate with low confidence: the event goes to staff's list.</summary>
    private async Task<string> DoubtfulEvent(string secret, string plate)
    {
        var eventId = "leave-" + Guid.NewGuid().ToString("N")[..10];
        var body = new { eventId, direction = "in", plate, plateColour = "green", confidence = 0.5, eventTime = _host.Now, pictureRef = $"cam/{eventId}.jpg" };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, ParkingHost.Json);
        var path = Path($"gates/{Gate}/events");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(GateSigning.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(GateSigning.SignatureHeader, GateSigning.Sign(secret, ts, "POST", path, bytes));
        using var response = await _host.Http.SendAsync(request);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return eventId;
    }

    private Task<GateReviewDto> Decide(string eventId, bool open) =>
        Ok<GateReviewDto>(HttpMethod.Post, Path($"gates/{Gate}/events/{eventId}/decision"), Staff, new GateReviewDecisionRequest(open));

    private async Task<GateReviewDto> Review(string eventId) =>
        Assert.Single(await Ok<GateReviewDto[]>(HttpMethod.Get, Path("gates/reviews?all=true"), Staff), r => r.EventId == eventId);

    private async Task<string> ChargerOf(int index) =>
        (await _host.Grains.Compound(ParkingHost.Compound).GetChargingAreas()).Single(a => a.AreaId == "CA-G1").Chargers[index].ChargerId;

    /// <summary>A transaction started with <paramref name="idTag"/> and stopped, as the charger meters it.</summary>
    private async Task<int> MeteredSession(OcppCharger charger, string chargerId, string idTag)
    {
        var meter = (long)Math.Round((await Ok<ChargerDto>(HttpMethod.Get, Path($"chargers/{chargerId}"), Staff)).EnergyMeterKwh * 1000) + 500;
        var started = await charger.StartAsync(idTag, meter, _host.Now);
        Assert.Equal("Accepted", started.GetProperty("idTagInfo").GetProperty("status").GetString());
        var transactionId = started.GetProperty("transactionId").GetInt32();
        await charger.StopAsync(transactionId, meter + 800, _host.Now);
        return transactionId;
    }

    private static async Task<string> StatusOf(OcppCharger charger, string idTag) =>
        (await charger.CallAsync("Authorize", new JsonObject { ["idTag"] = idTag })).GetProperty("idTagInfo").GetProperty("status").GetString()!;

    private async Task<T> Stored<T>(string name, Orleans.Runtime.IAddressable grain)
        where T : new()
    {
        var storage = _host.Factory.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(GrainKeys.StorageName);
        var probe = new Orleans.GrainState<T>(new T());
        await storage.ReadStateAsync(name, Orleans.GrainExtensions.GetGrainId(grain), probe);
        Assert.True(probe.RecordExists, $"no stored {name} for {Orleans.GrainExtensions.GetGrainId(grain)}");
        return probe.State!;
    }

    [Fact]
    public async Task Leaving_takes_the_plate_and_picture_from_decided_gate_events_and_the_person_from_charge_point_sessions_and_cards_at_once()
    {
        const string person = "r00043";
        const string plate = "沪AD43043";
        const string other = "沪B61999";
        const string card = "CARD-LEAVE-43";
        var household = Assert.Single((await Ok<MeDto>(HttpMethod.Get, "/api/me", person)).Memberships, m => m.CompoundId == ParkingHost.Compound).HouseholdId;
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", person, new AddVehicleRequest(plate, true));

        // The gate: two events of the person's plate (one decided, one still waiting for staff), one of another car, decided.
        var secret = await GateSecret();
        var decided = await DoubtfulEvent(secret, plate);
        var waiting = await DoubtfulEvent(secret, plate);
        var stranger = await DoubtfulEvent(secret, other);
        await Decide(decided, open: true);
        await Decide(stranger, open: false);

        // The charger: a card of theirs, a session metered on it.
        await Ok<ChargingCardDto>(HttpMethod.Put, Path($"charging/cards/{card}"), Staff, new ChargingCardBody(person));

        var chargerId = await ChargerOf(0);
        await using var charger = await OcppCharger.ConnectAsync(_host, chargerId);
        await charger.BootAsync();
        var transactionId = await MeteredSession(charger, chargerId, card);
        var chargePoint = _host.Grains.ChargePoint(ParkingHost.Compound, chargerId);

        // Before: each of them names the person (so the checks after can fail).
        Assert.Equal((plate, $"cam/{decided}.jpg"), ((await Review(decided)).Plate, (await Review(decided)).PictureRef));
        var session = Assert.Single((await chargePoint.Get()).Sessions, s => s.TransactionId == transactionId);
        Assert.Equal((person, card), (session.ResidentId, session.IdTag));
        Assert.Contains(await Ok<ChargingCardDto[]>(HttpMethod.Get, Path("charging/cards"), Staff), c => c.IdTag == card && c.ResidentId == person);

        var me = await Ok<MeDto>(HttpMethod.Post, $"/api/me/compounds/{ParkingHost.Compound}/leave", person);
        Assert.DoesNotContain(me.Memberships, m => m.CompoundId == ParkingHost.Compound);

        // The decided event keeps what happened and who decided, without plate or picture; the waiting one keeps both
        // (the car stands at the gate); another car's event is untouched.
        var after = await Review(decided);
        Assert.Equal((string.Empty, (string?)null), (after.Plate, after.PictureRef));
        Assert.Equal((Staff, (bool?)true), (after.ResolvedBy, after.ResolvedOpen));
        Assert.Equal((plate, $"cam/{waiting}.jpg"), ((await Review(waiting)).Plate, (await Review(waiting)).PictureRef));
        Assert.Equal((other, $"cam/{stranger}.jpg"), ((await Review(stranger)).Plate, (await Review(stranger)).PictureRef));
        var storedReviews = await Stored<GateReviewState>("gate-reviews", _host.Grains.GateReviews(ParkingHost.Compound));
        Assert.DoesNotContain(storedReviews.Reviews, r => r.Event.EventId == decided && (r.Event.Plate.Length > 0 || r.Event.Picture is not null));

        // The charge point's session names the people book's pseudonym, without the card; the card is gone and refused.
        var pseudonym = Assert.Single(
            await Ok<AuditEntryDto[]>(HttpMethod.Get, Path("audit?limit=1000"), Staff),
            e => e.Action == AuditActionDto.Left && e.HouseholdId == household && e.SubjectId!.StartsWith("former-member-", StringComparison.Ordinal)).SubjectId!;
        var anonymised = Assert.Single((await chargePoint.Get()).Sessions, s => s.TransactionId == transactionId);
        Assert.Equal((pseudonym, string.Empty), (anonymised.ResidentId, anonymised.IdTag));
        Assert.Equal(0.8, anonymised.EnergyKwh, 3);
        var storedPoint = await Stored<ChargePointState>("charge-point", chargePoint);
        Assert.DoesNotContain(storedPoint.Sessions.Sessions, s => s.ResidentId == person || s.IdTag == card);
        Assert.DoesNotContain(await Ok<ChargingCardDto[]>(HttpMethod.Get, Path("charging/cards"), Staff), c => c.ResidentId == person || c.IdTag == card);
        Assert.Equal("Invalid", await StatusOf(charger, card));
    }

    [Fact]
    public async Task A_car_two_residents_registered_keeps_its_plate_at_the_gate_until_the_last_of_them_leaves()
    {
        const string first = "r00044";
        const string second = "r00045";
        const string shared = "沪AD44045";
        var leave = $"/api/me/compounds/{ParkingHost.Compound}/leave";
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", first, new AddVehicleRequest(shared, true));
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", second, new AddVehicleRequest(shared, true));
        var secret = await GateSecret();
        var before = await DoubtfulEvent(secret, shared);
        await Decide(before, open: true);

        // The first leaves: the car still names the second at the gate, so the decided event keeps plate and picture.
        await Ok<MeDto>(HttpMethod.Post, leave, first);
        Assert.Equal((shared, $"cam/{before}.jpg"), ((await Review(before)).Plate, (await Review(before)).PictureRef));

        // The second, the car's last holder, leaves: both decided events of the plate lose it.
        var between = await DoubtfulEvent(secret, shared);
        await Decide(between, open: false);
        await Ok<MeDto>(HttpMethod.Post, leave, second);
        Assert.Equal((string.Empty, (string?)null), ((await Review(before)).Plate, (await Review(before)).PictureRef));
        Assert.Equal((string.Empty, (string?)null), ((await Review(between)).Plate, (await Review(between)).PictureRef));
    }

    [Fact]
    public async Task A_car_a_resident_shares_with_a_member_of_staff_keeps_its_plate_at_the_gate_when_the_resident_leaves()
    {
        const string person = "r00046";
        const string shared = "沪AD46046";
        const string own = "沪A46046";
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", person, new AddVehicleRequest(shared, true));
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", person, new AddVehicleRequest(own, false));
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", Staff, new AddVehicleRequest(shared, true));
        var secret = await GateSecret();
        var sharedEvent = await DoubtfulEvent(secret, shared);
        var ownEvent = await DoubtfulEvent(secret, own);
        await Decide(sharedEvent, open: true);
        await Decide(ownEvent, open: true);

        await Ok<MeDto>(HttpMethod.Post, $"/api/me/compounds/{ParkingHost.Compound}/leave", person);

        // The shared car still names the member of staff who stays; the resident's own car names no one any more.
        Assert.Equal((shared, $"cam/{sharedEvent}.jpg"), ((await Review(sharedEvent)).Plate, (await Review(sharedEvent)).PictureRef));
        Assert.Equal((string.Empty, (string?)null), ((await Review(ownEvent)).Plate, (await Review(ownEvent)).PictureRef));
    }

    /// <summary>
    /// A visitor's car that two residents booked a space for: when one of them leaves, their own booking of it is
    /// cancelled with their other bookings (nothing of theirs stays live), but the other resident still expects the
    /// visitor, so the plate still names someone who stays: its decided gate events keep plate and picture, and the
    /// gate still knows the plate for the stayer's booking. When the stayer leaves too, the plate names no one.
    /// </summary>
    [Fact]
    public async Task A_visitor_plate_another_resident_still_has_a_booking_for_keeps_its_plate_at_the_gate_when_one_booker_leaves()
    {
        const string leaver = "r00047";
        const string stayer = "r00048";
        const string visitor = "沪C47048";
        var leave = $"/api/me/compounds/{ParkingHost.Compound}/leave";
        var index = _host.Grains.PlateIndex(ParkingHost.Compound);
        var early = _host.Now.AddDays(1);
        var late = early.AddHours(3);
        var spaces = (await _host.SearchAsync(leaver, early, late.AddHours(1))).Spaces.Where(s => s.Kind.WireName() == "standard").Select(s => s.SpaceId).ToList();
        var leaversBooking = await _host.ReserveOkAsync(leaver, spaces[0], early, early.AddHours(1), plate: "沪c·47048");
        var stayersBooking = await _host.ReserveOkAsync(stayer, spaces[1], late, late.AddHours(1), plate: visitor);
        await WaitUntil(async () => (await index.Lookup(visitor, early)).Arriving?.Id == leaversBooking.Id && (await index.Lookup(visitor, late)).Arriving?.Id == stayersBooking.Id,
            "the plate index learns of both bookings");

        var secret = await GateSecret();
        var decided = await DoubtfulEvent(secret, visitor);
        await Decide(decided, open: true);

        await Ok<MeDto>(HttpMethod.Post, leave, leaver);

        // The leaver's booking is cancelled like their others; the stayer's stands, and the gate expects the visitor for it.
        var staff = new Actor(Staff, IsStaff: true);
        Assert.Equal(ReservationStatus.Cancelled, (await _host.Grains.Space(ParkingHost.Compound, leaversBooking.SpaceId).GetReservation(leaversBooking.Id, staff)).Value!.Status);
        Assert.Equal(ReservationStatus.Reserved, (await _host.Grains.Space(ParkingHost.Compound, stayersBooking.SpaceId).GetReservation(stayersBooking.Id, staff)).Value!.Status);
        await WaitUntil(async () => (await index.Lookup(visitor, early)).Arriving is null, "the plate index drops the cancelled booking");
        Assert.Equal(stayersBooking.Id, (await index.Lookup(visitor, late)).Arriving?.Id);

        // The plate still names the stayer, who booked with it: the decided event keeps plate and picture.
        Assert.Equal((visitor, $"cam/{decided}.jpg"), ((await Review(decided)).Plate, (await Review(decided)).PictureRef));

        // The stayer leaves too (their booking then ends): the plate names no one, its decided events lose it.
        await Ok<MeDto>(HttpMethod.Post, leave, stayer);
        Assert.Equal((string.Empty, (string?)null), ((await Review(decided)).Plate, (await Review(decided)).PictureRef));
    }

    /// <summary>Waits for what a one-way report brings (the plate index hears of bookings that way), at most 10 s.</summary>
    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Waited 10 s until {what}.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_retention_sweep_removes_charge_point_sessions_that_stopped_before_the_cutoff()
    {
        Assert.Equal(30, (await Ok<RetentionDto>(HttpMethod.Put, Path("retention"), Staff, new RetentionDto(30))).RetentionDays);
        const string card = "CARD-SWEEP-44";
        await Ok<ChargingCardDto>(HttpMethod.Put, Path($"charging/cards/{card}"), Staff, new ChargingCardBody("r00044"));

        var chargerId = await ChargerOf(1);
        await using var charger = await OcppCharger.ConnectAsync(_host, chargerId);
        await charger.BootAsync();
        var old = await MeteredSession(charger, chargerId, card);
        _host.Time.Advance(TimeSpan.FromDays(20));
        var recent = await MeteredSession(charger, chargerId, card);
        _host.Time.Advance(TimeSpan.FromDays(11));

        var chargePoint = _host.Grains.ChargePoint(ParkingHost.Compound, chargerId);
        Assert.Contains((await chargePoint.Get()).Sessions, s => s.TransactionId == old);

        var sweep = await _host.Grains.GetGrain<IHistoryRetentionGrain>(ParkingHost.Compound).Sweep();
        Assert.True(sweep.ChargePointSessions >= 1, $"the sweep removed {sweep.ChargePointSessions} charge point sessions");
        var sessions = (await chargePoint.Get()).Sessions;
        Assert.DoesNotContain(sessions, s => s.TransactionId == old);
        Assert.Contains(sessions, s => s.TransactionId == recent && s.ResidentId == "r00044");
        Assert.DoesNotContain((await Stored<ChargePointState>("charge-point", chargePoint)).Sessions.Sessions, s => s.TransactionId == old);
    }
}
