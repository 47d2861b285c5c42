using System.Net;
using System.Text;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>Refused requests answer 4xx problem details naming the field at fault, and change nothing.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class ValidationTests(SharedHostFixture fixture)
{
    private const string Resident = "r00005";
    private const string Space = "G1-004";

    private readonly ParkingHost _host = fixture.Host;

    public static TheoryData<string, int, string?, string?> BadReservations => new()
    {
        // case, status, code, field
        { "empty-body", 400, "invalid-request", "body" },
        { "missing-space", 400, "invalid-request", "spaceId" },
        { "malformed-space", 400, "invalid-request", "spaceId" },
        { "missing-start", 400, "invalid-request", "start" },
        { "missing-end", 400, "invalid-request", "end" },
        { "past", 400, "window-in-past", "start" },
        { "reversed", 400, "window-reversed", "end" },
        { "zero-length", 400, "window-empty", "end" },
        { "too-short", 400, "window-too-short", "end" },
        { "oversized", 400, "window-too-long", "end" },
        { "too-far-ahead", 400, "window-too-far-ahead", "start" },
        { "long-plate", 400, "invalid-request", "plate" },
        { "long-idempotency-key", 400, "invalid-request", "Idempotency-Key" },
        { "unknown-space", 404, "space-not-found", null },
    };

    [Theory]
    [MemberData(nameof(BadReservations))]
    public async Task Bad_reservation_request_gets_problem_details_and_changes_nothing(string @case, int status, string? code, string? field)
    {
        var mineBefore = await _host.MineAsync(Resident);
        var spaceBefore = await _host.SpaceAsync(Space);
        var now = _host.Now;
        var start = now.AddHours(8);

        HttpContent body = @case switch
        {
            "malformed-json" => Json("""{"spaceId": "G1-004", "start": """),
            "malformed-date" => Json($$"""{"spaceId": "G1-004", "start": "next tuesday", "end": "{{Iso(start.AddHours(1))}}"}"""),
            "empty-body" => Json(string.Empty),
            "missing-space" => Request(null, start, start.AddHours(1)),
            "malformed-space" => Request("G1 004/../x", start, start.AddHours(1)),
            "missing-start" => Request(Space, null, start.AddHours(1)),
            "missing-end" => Request(Space, start, null),
            "past" => Request(Space, now.AddHours(-2), now.AddHours(-1)),
            "reversed" => Request(Space, start, start.AddHours(-1)),
            "zero-length" => Request(Space, start, start),
            "too-short" => Request(Space, start, start.AddMinutes(10)),
            "oversized" => Request(Space, start, start.AddHours(25)),
            "too-far-ahead" => Request(Space, now.AddDays(15), now.AddDays(15).AddHours(1)),
            "long-plate" => Request(Space, start, start.AddHours(1), plate: new string('A', 17)),
            "long-idempotency-key" => Request(Space, start, start.AddHours(1)),
            "unknown-space" => Request("G1-999", start, start.AddHours(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, null),
        };

        using var response = await _host.SendAsync(
            HttpMethod.Post,
            ParkingHost.CompoundPath("reservations"),
            Resident,
            body,
            idempotencyKey: @case == "long-idempotency-key" ? new string('k', 129) : null);

        await ProblemAssert.Expect(response, (HttpStatusCode)status, code, field);
        Assert.Equal(mineBefore, await _host.MineAsync(Resident));
        var spaceAfter = await _host.SpaceAsync(Space);
        Assert.Equal(spaceBefore.Version, spaceAfter.Version);
        Assert.Empty(spaceAfter.Held);
    }

    public static TheoryData<string, string, int, string?, string?> BadLookups => new()
    {
        // user, path (relative to the compound unless it starts with /api), status, code, field
        { Resident, "reservations/G1-004.0123456789abcdef0123456789abcdef", 404, "reservation-not-found", null },
        { Resident, "reservations/no-such-reservation", 404, "reservation-not-found", null },
        { Resident, "reservations/G1-999.0123456789abcdef0123456789abcdef", 404, "space-not-found", null },
        { "staff01", "lots/Z9/occupancy", 404, "lot-not-found", null },
        { Resident, "lots/Z9/changes?epoch=8c4f1f7e-8f5b-4a57-9d43-2a1c3e6c2b11&since=0", 404, "lot-not-found", null },
        { Resident, "lots/G1/changes?since=0", 400, "invalid-request", "epoch" },
        { Resident, "lots/G1/changes?epoch=8c4f1f7e-8f5b-4a57-9d43-2a1c3e6c2b11&since=-1", 400, "invalid-request", "since" },
        { Resident, "availability?end=2030-01-01T10:00:00Z", 400, "invalid-request", "start" },
        { Resident, "availability?start={start}&end={end}&nearBuilding=B99", 400, "building-not-found", "nearBuilding" },
        { Resident, "availability?start={start}&end={end}&kind=rocket", 400, "invalid-request", "kind" },
        { Resident, "availability?start={start}&end={end}&limit=0", 400, "invalid-request", "limit" },
        { Resident, "availability?start={end}&end={start}", 400, "window-reversed", "end" },
        { Resident, "availability?start={past}&end={start}", 400, "window-in-past", "start" },
        { Resident, "/api/compounds/no-such-compound/reservations/mine", 403, "forbidden", null },
    };

    [Theory]
    [MemberData(nameof(BadLookups))]
    public async Task Unknown_ids_and_bad_queries_get_problem_details(string user, string path, int status, string? code, string? field)
    {
        var start = _host.Now.AddHours(8);
        path = path
            .Replace("{start}", ParkingHost.Q(start), StringComparison.Ordinal)
            .Replace("{end}", ParkingHost.Q(start.AddHours(1)), StringComparison.Ordinal)
            .Replace("{past}", ParkingHost.Q(start.AddDays(-2)), StringComparison.Ordinal);
        var spaceBefore = await _host.SpaceAsync(Space);

        using var response = await _host.GetAsync(path.StartsWith("/api", StringComparison.Ordinal) ? path : ParkingHost.CompoundPath(path), user);

        await ProblemAssert.Expect(response, (HttpStatusCode)status, code, field);
        Assert.Equal(spaceBefore.Version, (await _host.SpaceAsync(Space)).Version);
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("check-in")]
    [InlineData("check-out")]
    public async Task Commands_on_unknown_reservations_get_404_and_change_nothing(string command)
    {
        var spaceBefore = await _host.SpaceAsync(Space);

        using var unknownOnKnownSpace = await _host.CommandAsync(Resident, "G1-004.0123456789abcdef0123456789abcdef", command);
        await ProblemAssert.Expect(unknownOnKnownSpace, HttpStatusCode.NotFound, "reservation-not-found");
        using var unknownSpace = await _host.CommandAsync(Resident, "G1-999.0123456789abcdef0123456789abcdef", command);
        await ProblemAssert.Expect(unknownSpace, HttpStatusCode.NotFound, "space-not-found");
        using var noSpaceInId = await _host.CommandAsync(Resident, "nonsense", command);
        await ProblemAssert.Expect(noSpaceInId, HttpStatusCode.NotFound, "reservation-not-found");

        Assert.Equal(spaceBefore.Version, (await _host.SpaceAsync(Space)).Version);
        Assert.Empty(await _host.MineAsync(Resident));
        var lot = await _host.OccupancyAsync("G1");
        Assert.Equal(28, lot.Spaces.Count);
        Assert.DoesNotContain(lot.Spaces, s => s.SpaceId == "G1-999");
    }

    [Fact]
    public async Task Token_for_an_unknown_user_gets_404_problem_details()
    {
        using var response = await _host.SendAsync(HttpMethod.Post, "/api/dev/token", userId: null, new DevTokenRequest(ParkingHost.Compound, "r99999"));

        await ProblemAssert.Expect(response, HttpStatusCode.NotFound, "user-not-found");
    }

    private static string Iso(DateTimeOffset instant) => instant.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static StringContent Request(string? spaceId, DateTimeOffset? start, DateTimeOffset? end, string? plate = null) =>
        Json(System.Text.Json.JsonSerializer.Serialize(new ReserveRequest(spaceId, start, end, plate), ParkingHost.Json));
}
