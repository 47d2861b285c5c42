using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Grains.History;
using Parking.Grains.Membership;
using Xunit;

namespace Parking.Api.Tests.People;

/// <summary>
/// A host whose grains keep their own history for 60 days (longer than the compound's retention of 30), so that only
/// the retention sweep can remove an entry: a test of the sweep, not of the grains' own pruning.
/// </summary>
public sealed class RetentionHostFixture : OwnHostFixture
{
    protected override Task<ParkingHost> StartAsync() => ParkingHost.StartAsync(ParkingHost.NewClock(), settings: new Dictionary<string, string>
    {
        ["Parking:Reservations:SpaceHistory"] = "60.00:00:00",
        ["Parking:Reservations:ResidentHistory"] = "60.00:00:00",
        ["Parking:Charging:History"] = "60.00:00:00",
        ["Parking:Shelters:SessionHistory"] = "60.00:00:00",
    });
}

/// <summary>
/// The compound's retention period applied to every kind of history that names a person: one person's entries made
/// 31 days ago and another's made 11 days ago, then the daily sweep (what its Orleans reminder runs).
/// </summary>
public sealed class RetentionTests(RetentionHostFixture fixture) : IClassFixture<RetentionHostFixture>
{
    private const string Staff = "staff01";
    private const string Gate = "south";
    private readonly ParkingHost _host = fixture.Host;

    private static string Path(string relative) => ParkingHost.CompoundPath(relative);

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string person, object? body = null) =>
        _host.SendAsPersonAsync(method, path, person, body);

    private Task<T> Ok<T>(HttpMethod method, string path, string person, object? body = null, HttpStatusCode status = HttpStatusCode.OK) =>
        _host.OkAsPersonAsync<T>(method, path, person, body, status);

    private async Task<HttpStatusCode> Status(string path, string person)
    {
        using var response = await Send(HttpMethod.Get, path, person);
        return response.StatusCode;
    }

    private sealed record Made(string Person, ReservationDto Booking, ChargingRequestDto Charging, ShelterSessionDto Bike, string GateEvent, ChargingSessionRecord Session);

    /// <summary>One of each: a booking cancelled, a charging request withdrawn (its turn notice reaches the inbox), an e-bike charge stopped, a gate event with an unknown plate, a metered session.</summary>
    private async Task<Made> MakeHistory(string person, string space, string plate, string port, string gateSecret, string unknownPlate)
    {
        var start = _host.Now.AddHours(1);
        var booking = await Ok<ReservationDto>(HttpMethod.Post, Path("reservations"), person, new ReserveRequest(space, start, start.AddHours(1), null), HttpStatusCode.Created);
        await Ok<ReservationDto>(HttpMethod.Post, Path($"reservations/{booking.Id}/cancel"), person);

        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", person, new AddVehicleRequest(plate, true));
        var charging = await Ok<ChargingRequestDto>(HttpMethod.Post, Path("charging/areas/CA-G1/requests"), person, new ChargingRequestBody(plate, 10, null, null, null, null, _host.Now.AddHours(8), true), HttpStatusCode.Created);
        await WaitForNotice(person);
        using (var withdrawn = await Send(HttpMethod.Delete, Path($"charging/areas/CA-G1/requests/{charging.Id}"), person))
        {
            await ParkingHost.Expect(withdrawn, HttpStatusCode.OK);
        }

        var bike = await Ok<ShelterSessionDto>(HttpMethod.Post, Path("shelters/E01/sessions"), person, new StartShelterSessionRequest(port, "bike of " + person), HttpStatusCode.Created);
        await Ok<ShelterSessionDto>(HttpMethod.Post, Path($"shelters/E01/sessions/{bike.SessionId}/stop"), person);

        var eventId = "retention-" + Guid.NewGuid().ToString("N")[..8];
        var gateEvent = new { eventId, direction = "in", plate = unknownPlate, plateColour = "blue", confidence = 0.97, eventTime = _host.Now, pictureRef = $"cam/{eventId}.jpg" };
        using (var posted = await PostGateEvent(gateSecret, gateEvent))
        {
            await ParkingHost.Expect(posted, HttpStatusCode.OK);
        }

        // A metered session as the charge point grain appends it when a transaction stops.
        var session = new ChargingSessionRecord(ParkingHost.Compound, "CA-G1", "CG1-01", Random.Shared.Next(1, int.MaxValue), person, charging.Id,
            _host.Now.AddHours(-1), _host.Now, 1_000, 9_000, "Local", new SessionCost(0, 8, 0, 6.4m, "CNY"));
        _host.Factory.Services.GetRequiredService<IChargingHistory>().Append(session);
        return new Made(person, booking, charging, bike, eventId, session);
    }

    private async Task<HttpResponseMessage> PostGateEvent(string secret, object body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, ParkingHost.Json);
        var path = Path($"gates/{Gate}/events");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(GateSigning.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(GateSigning.SignatureHeader, GateSigning.Sign(secret, ts, "POST", path, bytes));
        return await _host.Http.SendAsync(request);
    }

    /// <summary>Notices are delivered one way: wait until the inbox holds one (bounded, not a timing assert).</summary>
    private async Task WaitForNotice(string person)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await Ok<InboxDto>(HttpMethod.Get, Path("notices"), person)).Notices.Count == 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"No notice reached {person}'s inbox.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Each_kind_of_history_that_names_a_person_is_removed_once_older_than_the_compound_retention_period()
    {
        await ProblemAssert.Expect(await Send(HttpMethod.Put, Path("retention"), Staff, new RetentionDto(29)), HttpStatusCode.BadRequest, "retention-out-of-range", "retentionDays");
        Assert.Equal(30, (await Ok<RetentionDto>(HttpMethod.Put, Path("retention"), Staff, new RetentionDto(30))).RetentionDays);
        var secret = (await Ok<GateCredentialsDto>(HttpMethod.Post, Path($"gates/{Gate}/credentials"), Staff, status: HttpStatusCode.Created)).Secret;

        var old = await MakeHistory("r00041", "T1-010", "沪AD11111", "E01-P07", secret, "沪B11111");
        _host.Time.Advance(TimeSpan.FromDays(20));
        var recent = await MakeHistory("r00042", "T1-011", "沪AD22222", "E01-P08", secret, "沪B22222");
        _host.Time.Advance(TimeSpan.FromDays(11));

        // The sweep runs on a daily reminder of its own, armed when the compound's layout was stored.
        var retention = _host.Grains.GetGrain<IHistoryRetentionGrain>(ParkingHost.Compound);
        var reminders = _host.Factory.Services.GetRequiredService<IReminderTable>();
        var armed = await reminders.ReadRow(retention.GetGrainId(), HistoryRetentionGrain.Reminder);
        Assert.NotNull(armed);
        Assert.Equal(TimeSpan.FromDays(1), armed.Period);

        var sweep = await retention.Sweep();
        Assert.Equal(_host.Now.AddDays(-30), sweep.Cutoff);

        // Reservation history: the old booking's events are gone, the recent one's stay.
        var events = await _host.Factory.Services.GetRequiredService<IReservationHistory>().Query(ParkingHost.Compound, _host.Now.AddDays(-60), _host.Now, lotId: null);
        Assert.DoesNotContain(events, e => e.ReservationId == old.Booking.Id);
        Assert.Contains(events, e => e.ReservationId == recent.Booking.Id && e.Kind == ReservationEventKind.Cancelled);
        Assert.True(sweep.ReservationEvents >= 2);

        // The space's calendar and the resident's list.
        Assert.Equal(HttpStatusCode.NotFound, await Status(Path($"reservations/{old.Booking.Id}"), Staff));
        Assert.Equal(HttpStatusCode.OK, await Status(Path($"reservations/{recent.Booking.Id}"), Staff));
        Assert.DoesNotContain(await Ok<ReservationDto[]>(HttpMethod.Get, Path("reservations/mine"), old.Person), r => r.Id == old.Booking.Id);
        Assert.Contains(await Ok<ReservationDto[]>(HttpMethod.Get, Path("reservations/mine"), recent.Person), r => r.Id == recent.Booking.Id);

        // The charging area's finished requests and the metered sessions.
        Assert.Equal(HttpStatusCode.NotFound, await Status(Path($"charging/areas/CA-G1/requests/{old.Charging.Id}"), Staff));
        Assert.Equal(HttpStatusCode.OK, await Status(Path($"charging/areas/CA-G1/requests/{recent.Charging.Id}"), Staff));
        var sessions = await _host.Factory.Services.GetRequiredService<IChargingHistory>().Query(new ChargingSessionQuery(ParkingHost.Compound, _host.Now.AddDays(-60), _host.Now));
        Assert.DoesNotContain(sessions, s => s.TransactionId == old.Session.TransactionId);
        Assert.Contains(sessions, s => s.TransactionId == recent.Session.TransactionId);

        // The shelter's sessions.
        Assert.Equal(HttpStatusCode.NotFound, await Status(Path($"shelters/E01/sessions/{old.Bike.SessionId}"), Staff));
        Assert.Equal(HttpStatusCode.OK, await Status(Path($"shelters/E01/sessions/{recent.Bike.SessionId}"), Staff));

        // The gate events staff reviewed, with their plates.
        var reviews = await Ok<GateReviewDto[]>(HttpMethod.Get, Path("gates/reviews"), Staff);
        Assert.DoesNotContain(reviews, r => r.EventId == old.GateEvent || r.Plate == "沪B11111");
        Assert.Contains(reviews, r => r.EventId == recent.GateEvent);

        // The people's notices.
        Assert.Empty((await Ok<InboxDto>(HttpMethod.Get, Path("notices"), old.Person)).Notices);
        Assert.NotEmpty((await Ok<InboxDto>(HttpMethod.Get, Path("notices"), recent.Person)).Notices);

        Assert.Equal(1, sweep.SpaceBookings);
        Assert.Equal(1, sweep.ResidentBookings);
        Assert.Equal(1, sweep.ChargingRequests);
        Assert.Equal(1, sweep.ChargingSessions);
        Assert.Equal(1, sweep.ShelterSessions);
        Assert.Equal(1, sweep.GateEvents);
        Assert.True(sweep.Notices >= 1);

        // A second sweep finds nothing more to remove.
        var again = await retention.Sweep();
        Assert.Equal(0, again.SpaceBookings + again.ResidentBookings + again.ChargingRequests + again.ChargingSessions + again.ShelterSessions + again.GateEvents + again.Notices + again.ReservationEvents);
    }
}
