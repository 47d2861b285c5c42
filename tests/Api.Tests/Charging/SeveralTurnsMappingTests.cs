using System.Text.Json;
using Parking.Api.Endpoints;
using Parking.Api.Tests.Infrastructure;
using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Api.Tests.Charging;

/// <summary>A request with two turns as drivers and staff read it: its JSON, the sentences, the chargers' timeline.</summary>
public sealed class SeveralTurnsMappingTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 11, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private static ChargingTurn Turn(string charger, double from, double to) =>
        new(charger, new TimeWindow(At.AddHours(from), At.AddHours(to)), "S-" + charger);

    private static readonly ChargingRequest Request = new ChargingRequest(
        "CA-1.a", "demo", "CA-1", "r1", "沪A12345", 20, new TimeWindow(At, At.AddHours(12)), true, At,
        ChargingRequestStatus.Scheduled, Turn("C1", 0, 2), null, null, 0, false, null, 1)
    {
        LaterTurns = [Turn("C2", 11.5, 12)],
    };

    [Fact]
    public void The_requests_json_lists_every_turn_and_keeps_turn_as_the_first()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Request.ToDto(), ParkingHost.Json));

        Assert.Equal("C1", json.RootElement.GetProperty("turn").GetProperty("chargerId").GetString());
        var turns = json.RootElement.GetProperty("turns").EnumerateArray().ToList();
        Assert.Equal(["C1", "C2"], turns.Select(t => t.GetProperty("chargerId").GetString()));
        Assert.Equal(At.AddHours(11.5), turns[1].GetProperty("start").GetDateTimeOffset());
    }

    [Fact]
    public void The_driver_hears_the_next_turn_when_told_of_a_turn_and_when_told_to_move()
    {
        var scheduled = ChargingMapping.MessageOf(new ChargingNotice(ChargingNoticeKind.TurnScheduled, Request), Shanghai);
        Assert.Equal("Your turn for 沪A12345: charger C1 at 19:00, until 21:00. Then charger C2 at 06:30, until 07:00.", scheduled);

        var next = Request.ToNextTurn();
        var ended = ChargingMapping.MessageOf(new ChargingNotice(ChargingNoticeKind.TurnEnded, next) { EndedTurn = Request.Turn }, Shanghai);
        Assert.Equal("Your turn has ended: move 沪A12345 from charger C1 now. Your next turn: charger C2 at 06:30, until 07:00.", ended);
    }

    [Fact]
    public void The_timeline_shows_each_turn_on_its_charger()
    {
        var chargers = new[] { new ChargerDefinition("C1", "S-C1", 7), new ChargerDefinition("C2", "S-C2", 7) };
        var view = new ChargingAreaView("demo", new ChargingAreaDefinition("CA-1", "Area", "G1", 7, chargers), 7,
            [.. chargers.Select(ChargerSnapshot.New)], [Request], null, At, 1);

        var plan = view.ToPlanDto();

        Assert.Equal(At, Assert.Single(plan.Chargers.Single(c => c.Charger.ChargerId == "C1").Turns).Start);
        var later = Assert.Single(plan.Chargers.Single(c => c.Charger.ChargerId == "C2").Turns);
        Assert.Equal(("CA-1.a", At.AddHours(11.5), At.AddHours(12)), (later.RequestId, later.Start, later.End));
    }
}
