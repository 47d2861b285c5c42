using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Sharing;
using Xunit;

namespace Parking.Api.Tests.Sharing;

/// <summary>Visitor passes: a visitor space for a visitor's plate, within the household's weekly quota (3 passes or 24 h).</summary>
[Collection(SharedHostCollection.Name)]
public sealed class VisitorPassTests(SharedHostFixture fixture)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly ParkingHost _host = fixture.Host;

    /// <summary>Tuesday 00:00 (local) of next week: inside the booking horizon, all in one quota week.</summary>
    private DateTimeOffset NextWeek => VisitorPolicy.WeekOf(_host.Now.AddDays(7), China).Start.AddDays(1);

    private Task<HttpResponseMessage> BookAsync(string userId, string plate, DateTimeOffset start, DateTimeOffset end, string? spaceId = null) =>
        _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("visitor-passes"), userId, new VisitorPassRequest(plate, start, end, spaceId));

    private Task<VisitorPassesDto> MineAsync(string userId, DateTimeOffset weekOf) =>
        _host.GetOkAsync<VisitorPassesDto>(ParkingHost.CompoundPath($"visitor-passes/mine?weekOf={ParkingHost.Q(weekOf)}"), userId);

    [Fact]
    public async Task A_fourth_pass_in_a_week_is_refused_and_changes_nothing()
    {
        const string resident = "r00040";
        var passes = new List<VisitorPassDto>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await BookAsync(resident, $"沪V0000{i}", NextWeek.AddHours(10 + (3 * i)), NextWeek.AddHours(12 + (3 * i)));
            await ParkingHost.Expect(response, HttpStatusCode.Created);
            passes.Add((await response.Content.ReadFromJsonAsync<VisitorPassDto>(ParkingHost.Json))!);
        }

        Assert.All(passes, p => Assert.StartsWith("T1-", p.SpaceId, StringComparison.Ordinal));
        var before = await MineAsync(resident, NextWeek);
        Assert.Equal(0, before.PassesLeft);
        Assert.Equal(18, before.HoursLeft);
        var mineBefore = await _host.MineAsync(resident);

        using var fourth = await BookAsync(resident, "沪V00009", NextWeek.AddDays(2), NextWeek.AddDays(2).AddHours(1));

        await ProblemAssert.Expect(fourth, HttpStatusCode.Conflict, "visitor-quota", "start");
        Assert.Equal(before.Passes.Count, (await MineAsync(resident, NextWeek)).Passes.Count);
        Assert.Equal(mineBefore.Length, (await _host.MineAsync(resident)).Length);

        // A cancelled pass gives its quota back.
        await _host.CommandOkAsync(resident, passes[0].ReservationId, "cancel");
        using var again = await BookAsync(resident, "沪V00009", NextWeek.AddDays(2), NextWeek.AddDays(2).AddHours(1));
        await ParkingHost.Expect(again, HttpStatusCode.Created);
        var made = (await again.Content.ReadFromJsonAsync<VisitorPassDto>(ParkingHost.Json))!;
        var reservation = await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{made.ReservationId}"), resident);
        Assert.Equal("沪V00009", reservation.Plate);

        foreach (var pass in passes.Skip(1).Append(made))
        {
            await _host.CommandOkAsync(resident, pass.ReservationId, "cancel");
        }
    }

    [Fact]
    public async Task More_than_24_hours_of_passes_in_a_week_is_refused_and_a_pass_is_for_a_visitor_space()
    {
        const string resident = "r00041";
        using var long1 = await BookAsync(resident, "沪V10001", NextWeek.AddHours(1), NextWeek.AddHours(21));
        await ParkingHost.Expect(long1, HttpStatusCode.Created);
        var first = (await long1.Content.ReadFromJsonAsync<VisitorPassDto>(ParkingHost.Json))!;

        using var tooMuch = await BookAsync(resident, "沪V10002", NextWeek.AddDays(1), NextWeek.AddDays(1).AddHours(5));
        await ProblemAssert.Expect(tooMuch, HttpStatusCode.Conflict, "visitor-quota", "end");

        using var notVisitor = await BookAsync(resident, "沪V10003", NextWeek.AddDays(1), NextWeek.AddDays(1).AddHours(1), spaceId: "T1-002");
        await ProblemAssert.Expect(notVisitor, HttpStatusCode.BadRequest, "not-a-visitor-space", "spaceId");

        using var noPlate = await BookAsync(resident, " ", NextWeek.AddDays(1), NextWeek.AddDays(1).AddHours(1));
        await ProblemAssert.Expect(noPlate, HttpStatusCode.BadRequest, "invalid-request", "plate");

        Assert.Single((await MineAsync(resident, NextWeek)).Passes);
        await _host.CommandOkAsync(resident, first.ReservationId, "cancel");
    }

    /// <summary>A visitor's plate is checked by the rule residents' cars keep, and the pass keeps its canonical spelling.</summary>
    [Fact]
    public async Task A_visitor_plate_follows_the_one_plate_rule_and_a_bad_one_books_nothing()
    {
        const string resident = "r00060";
        var day = NextWeek.AddDays(3);
        var before = (await MineAsync(resident, NextWeek)).Passes.Count;

        using var crossBorder = await BookAsync(resident, "粤z·1234港", day.AddHours(9), day.AddHours(10));
        await ParkingHost.Expect(crossBorder, HttpStatusCode.Created);
        var hongKong = (await crossBorder.Content.ReadFromJsonAsync<VisitorPassDto>(ParkingHost.Json))!;
        Assert.Equal("粤Z1234港", hongKong.Plate);

        using var green = await BookAsync(resident, " 沪ad 12345", day.AddHours(11), day.AddHours(12));
        await ParkingHost.Expect(green, HttpStatusCode.Created);
        var newEnergy = (await green.Content.ReadFromJsonAsync<VisitorPassDto>(ParkingHost.Json))!;
        Assert.Equal("沪AD12345", newEnergy.Plate);
        Assert.Equal("沪AD12345", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{newEnergy.ReservationId}"), resident)).Plate);

        foreach (var bad in new[] { "AB-123", "沪AO2345", "沪AI12345" })
        {
            using var refused = await BookAsync(resident, bad, day.AddHours(14), day.AddHours(15));
            await ProblemAssert.Expect(refused, HttpStatusCode.BadRequest, "plate-invalid", "plate");
        }

        Assert.Equal(before + 2, (await MineAsync(resident, NextWeek)).Passes.Count);
        await _host.CommandOkAsync(resident, hongKong.ReservationId, "cancel");
        await _host.CommandOkAsync(resident, newEnergy.ReservationId, "cancel");
    }
}
