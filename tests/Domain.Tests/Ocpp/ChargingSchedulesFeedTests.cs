using FsCheck;
using FsCheck.Xunit;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Ocpp;

/// <summary>Profiles from the planner's power per period, within the feed and each of its phases, around a charger that does not comply.</summary>
public sealed class ChargingSchedulesFeedTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static ChargingRequest Request(string id, string chargerId, int fromMinutes, int toMinutes) => new(
        id, "c", "A", "r-" + id, "P" + id, 10, new TimeWindow(Now, Now.AddHours(12)), true, Now, ChargingRequestStatus.Scheduled,
        new ChargingTurn(chargerId, new TimeWindow(Now.AddMinutes(fromMinutes), Now.AddMinutes(toMinutes))), null, null, 0, false, null, 0);

    private static ChargingAreaView Area(double capacityKw, ChargerDefinition[] chargers, ChargingRequest[] requests, Dictionary<string, double>? overdrawKw = null) => new(
        "c",
        new ChargingAreaDefinition("A", "Area", "L", capacityKw, chargers),
        capacityKw,
        [.. chargers.Select(c => overdrawKw is not null && overdrawKw.TryGetValue(c.ChargerId, out var kw)
            ? ChargerSnapshot.New(c) with { Status = ChargerStatus.Charging, PowerKw = kw, Overdrawing = true }
            : ChargerSnapshot.New(c))],
        requests,
        null,
        Now,
        1);

    private static TurnPowerSchedule Power(string requestId, string chargerId, int fromMinutes, int toMinutes, params (int Minute, double Kw)[] steps) =>
        new(requestId, chargerId, new TimeWindow(Now.AddMinutes(fromMinutes), Now.AddMinutes(toMinutes)), [.. steps.Select(s => new PowerStep(Now.AddMinutes(s.Minute), s.Kw))]);

    [Fact]
    public void A_turn_gets_the_planners_power_of_each_period_and_its_rating_where_the_plan_gave_none()
    {
        var chargers = new[] { new ChargerDefinition("C1", "S1", 7), new ChargerDefinition("C2", "S2", 7) };
        var area = Area(30, chargers, [Request("a", "C1", 0, 60), Request("b", "C2", 0, 60)]);

        var schedules = ChargingSchedules.ForArea(area, Now, [Power("a", "C1", 0, 60, (0, 3.5), (30, 5.2)), Power("b", "C3", 0, 60, (0, 1))]);

        var c1 = schedules.Single(s => s.ChargerId == "C1");
        Assert.Equal(3500, c1.LimitAt(Now.AddMinutes(10)));
        Assert.Equal(5200, c1.LimitAt(Now.AddMinutes(40)));
        Assert.Equal(0, c1.LimitAt(Now.AddMinutes(60)));

        // b's planned power is for another charger (its turn was kept from an earlier plan): its charger's rating.
        Assert.Equal(7000, schedules.Single(s => s.ChargerId == "C2").LimitAt(Now.AddMinutes(10)));
        Assert.All(schedules, s => Assert.Equal(3, s.Phases));
    }

    [Fact]
    public void Single_phase_chargers_on_one_phase_share_its_third_of_the_feed()
    {
        // 30 kW feed, 10 kW a phase: two 7 kW chargers on L1 may draw 10 kW together, the three-phase one its 11 kW.
        var chargers = new[] { new ChargerDefinition("C1", "S1", 7) { Phase = ChargerPhase.L1 }, new ChargerDefinition("C2", "S2", 7) { Phase = ChargerPhase.L1 }, new ChargerDefinition("C3", "S3", 11) };
        var schedules = ChargingSchedules.ForArea(Area(30, chargers, [Request("a", "C1", 0, 60), Request("b", "C2", 0, 60), Request("c", "C3", 0, 60)]), Now);

        var at = Now.AddMinutes(5);
        var l1 = schedules.Where(s => s.ChargerId is "C1" or "C2").Sum(s => s.LimitAt(at)) + (schedules.Single(s => s.ChargerId == "C3").LimitAt(at) / 3.0);
        Assert.True(l1 <= 10_000, $"L1 carries {l1} W");
        Assert.True(l1 >= 9_990, $"L1 is used up to its limit, not below: {l1} W");
        Assert.Equal(1, schedules.Single(s => s.ChargerId == "C1").Phases);
        Assert.Equal(3, schedules.Single(s => s.ChargerId == "C3").Phases);
    }

    [Fact]
    public void A_charger_that_does_not_comply_counts_with_its_draw_and_the_others_share_what_is_left()
    {
        var chargers = new[] { new ChargerDefinition("C1", "S1", 7), new ChargerDefinition("C2", "S2", 7), new ChargerDefinition("C3", "S3", 7) };
        var area = Area(14, chargers, [Request("a", "C1", 0, 60), Request("b", "C2", 0, 60)], new Dictionary<string, double> { ["C3"] = 7 });

        var schedules = ChargingSchedules.ForArea(area, Now);

        Assert.Equal(7000, schedules.Where(s => s.ChargerId != "C3").Sum(s => s.LimitAt(Now)), 1.0);
        Assert.Equal(0, schedules.Single(s => s.ChargerId == "C3").LimitAt(Now));
    }

    /// <summary>Any chargers on any phases, any turns and planned power, any non-complying draws: limits plus fixed draws stay within the feed and each phase.</summary>
    [Property(MaxTest = 200)]
    public void Limits_and_fixed_draws_never_exceed_the_feed_nor_a_phase(int seed)
    {
        var random = new Random(seed);
        var phases = Enum.GetValues<ChargerPhase>();
        var chargers = Enumerable.Range(1, random.Next(1, 7))
            .Select(i => new ChargerDefinition($"C{i}", $"S{i}", random.Next(3, 23)) { Phase = phases[random.Next(phases.Length)] })
            .ToArray();
        var requests = new List<ChargingRequest>();
        var power = new List<TurnPowerSchedule>();
        foreach (var charger in chargers.Where(_ => random.Next(4) > 0))
        {
            var from = random.Next(0, 120);
            var to = from + random.Next(5, 240);
            var id = "r" + charger.ChargerId;
            requests.Add(Request(id, charger.ChargerId, from, to));
            if (random.Next(2) == 0)
            {
                power.Add(Power(id, charger.ChargerId, from, to, (from, random.NextDouble() * 25), (from + ((to - from) / 2), random.NextDouble() * 25)));
            }
        }

        var overdraw = chargers.Where(_ => random.Next(5) == 0).ToDictionary(c => c.ChargerId, c => 0.5 + (random.NextDouble() * c.MaxKw), StringComparer.Ordinal);
        var capacity = random.Next(5, 80);
        var area = Area(capacity, chargers, [.. requests], overdraw);

        var schedules = ChargingSchedules.ForArea(area, Now, power);

        var phaseOf = chargers.ToDictionary(c => c.ChargerId, c => c.Phase, StringComparer.Ordinal);
        for (var minute = 0; minute < 6 * 60; minute += 1)
        {
            var at = Now.AddMinutes(minute);
            var kw = schedules.ToDictionary(s => s.ChargerId, s => overdraw.TryGetValue(s.ChargerId, out var draw) ? draw : s.LimitAt(at) / 1000.0, StringComparer.Ordinal);
            Assert.True(kw.Values.Sum() <= capacity + 1e-6 || kw.Where(k => !overdraw.ContainsKey(k.Key)).All(k => k.Value == 0), $"seed {seed}, +{minute} min: {kw.Values.Sum():0.000} kW on a {capacity} kW feed");
            for (var p = 0; p < 3; p++)
            {
                var load = kw.Sum(k => ChargingSchedules.Share(phaseOf[k.Key], p) * k.Value);
                var fixedLoad = overdraw.Sum(k => ChargingSchedules.Share(phaseOf[k.Key], p) * k.Value);
                Assert.True(load <= (capacity / 3.0) + 1e-6 || load <= fixedLoad + 1e-6, $"seed {seed}, +{minute} min: phase {p + 1} carries {load:0.000} kW, its limit is {capacity / 3.0:0.000} kW");
            }

            Assert.All(schedules, s => Assert.True(s.LimitAt(at) <= chargers.Single(c => c.ChargerId == s.ChargerId).MaxKw * 1000, $"{s.ChargerId} above its rating"));
        }
    }
}
