using Parking.Domain.Charging;
using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Ocpp;

/// <summary>The transaction rules of a charge point, as the grain calls them: starts, meter values, stops, idTags and draw checks.</summary>
public sealed class ChargePointSessionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    private static readonly IdTagAuthorization Accepted = new(IdTagAuthorization.Accepted, "ann");

    private static StartTransactionRequest StartAt(DateTimeOffset at, long meterStart = 1_000, string idTag = "CARD-1", int connectorId = 1) =>
        new(connectorId, idTag, meterStart, at, null);

    private static MeterValue Energy(DateTimeOffset at, double wh) => new(at, [new SampledValue(wh.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, "Wh", null)]);

    private static MeterValue Power(DateTimeOffset at, double kw) => new(at, [new SampledValue(kw.ToString(System.Globalization.CultureInfo.InvariantCulture), null, "Power.Active.Import", "kW", null)]);

    private static ChargerSchedule Schedule(int limitW, string? requestId = null, string? residentId = null) =>
        new("C1", Now.AddHours(-1), [new SchedulePeriod(0, limitW)], requestId) { SessionResidentId = residentId };

    [Fact]
    public void A_start_is_refused_for_a_future_clock_another_connector_or_a_negative_meter()
    {
        Assert.Equal("timestamp", ChargePointSessions.CheckStart(StartAt(Now.AddMinutes(10)), Now)!.Field);
        Assert.Equal("connectorId", ChargePointSessions.CheckStart(StartAt(Now, connectorId: 2), Now)!.Field);
        Assert.Equal("meterStart", ChargePointSessions.CheckStart(StartAt(Now, meterStart: -1), Now)!.Field);
        Assert.Null(ChargePointSessions.CheckStart(StartAt(Now.AddMinutes(4)), Now));
    }

    [Fact]
    public void A_start_numbers_transactions_and_binds_only_an_accepted_idTag_to_its_resident()
    {
        var sessions = new ChargePointSessions();

        var first = sessions.Start(StartAt(Now), Accepted, null);
        var blocked = sessions.Start(StartAt(Now.AddMinutes(1)), new IdTagAuthorization(IdTagAuthorization.Blocked, "bob"), null);

        Assert.Equal((1, "ann"), (first.TransactionId, first.ResidentId));
        Assert.Equal((2, (string?)null), (blocked.TransactionId, blocked.ResidentId));
        Assert.Equal(2, sessions.LastTransactionId);
        Assert.Equal([new MeterReading(Now, 1_000)], sessions.Readings[1]);
    }

    [Fact]
    public void A_start_belongs_to_the_request_its_idTag_was_issued_for_or_to_the_turn_of_the_cards_driver()
    {
        var sessions = new ChargePointSessions();
        var tag = sessions.IssueIdTag("req-1", "ann");

        var issued = sessions.Start(StartAt(Now, idTag: tag), new IdTagAuthorization(IdTagAuthorization.Accepted, "ann"), null);
        var card = sessions.Start(StartAt(Now.AddMinutes(1)), Accepted, Schedule(7_000, "req-2", "ann"));
        var someoneElses = sessions.Start(StartAt(Now.AddMinutes(2)), new IdTagAuthorization(IdTagAuthorization.Accepted, "bob"), Schedule(7_000, "req-2", "ann"));

        Assert.Equal("req-1", issued.RequestId);
        Assert.Equal("req-2", card.RequestId);
        Assert.Null(someoneElses.RequestId);
    }

    [Fact]
    public void Sessions_stay_in_the_order_they_happened_and_the_oldest_closed_one_goes_beyond_the_bound()
    {
        var sessions = new ChargePointSessions();
        sessions.Start(StartAt(Now), Accepted, null);
        sessions.Start(StartAt(Now.AddHours(-2)), Accepted, null);
        Assert.Equal([2, 1], sessions.Sessions.Select(s => s.TransactionId));

        Assert.Null(sessions.Stop(new StopTransactionRequest(2, 2_000, Now.AddHours(-1), null, null, null), Now).Fault);
        for (var i = 0; i < ChargePointSessions.SessionsKept - 1; i++)
        {
            sessions.Start(StartAt(Now.AddMinutes(i + 1)), Accepted, null);
        }

        Assert.Equal(ChargePointSessions.SessionsKept, sessions.Sessions.Count);
        Assert.Null(sessions.Find(2));
        Assert.NotNull(sessions.Find(1));
    }

    [Fact]
    public void An_issued_idTag_is_the_same_for_the_same_request_and_the_oldest_is_forgotten_beyond_the_bound()
    {
        var sessions = new ChargePointSessions();
        var tag = sessions.IssueIdTag("req-0", "ann");
        Assert.Equal(tag, sessions.IssueIdTag("req-0", "ann"));
        Assert.StartsWith("P", tag);
        Assert.Equal(20, tag.Length);

        for (var i = 1; i <= ChargePointSessions.SessionsKept; i++)
        {
            sessions.IssueIdTag("req-" + i, null);
        }

        Assert.Equal(ChargePointSessions.SessionsKept, sessions.IssuedIdTags.Count);
        Assert.False(sessions.IssuedIdTags.ContainsKey(tag));
        Assert.False(sessions.IdTagResidents.ContainsKey(tag));
    }

    [Fact]
    public void An_issued_idTag_is_accepted_for_its_resident_a_retired_charger_refuses_all_and_cards_decide_the_rest()
    {
        var sessions = new ChargePointSessions();
        var tag = sessions.IssueIdTag("req-1", "ann");

        Assert.Equal(new IdTagAuthorization(IdTagAuthorization.Accepted, "ann"), sessions.AuthorizeKnown(tag, retired: false));
        Assert.Equal(new IdTagAuthorization(IdTagAuthorization.Invalid, null), sessions.AuthorizeKnown(tag, retired: true));
        Assert.Null(sessions.AuthorizeKnown("CARD-1", retired: false));
        Assert.Equal(IdTagAuthorization.Invalid, IdTagAuthorization.OfCard(null, null).Status);
        Assert.Equal(new IdTagAuthorization(IdTagAuthorization.Blocked, "bob"), IdTagAuthorization.OfCard(true, "bob"));
        Assert.Equal(new IdTagAuthorization(IdTagAuthorization.Accepted, "bob"), IdTagAuthorization.OfCard(false, "bob"));
    }

    [Fact]
    public void Meter_values_move_an_open_transactions_meter_and_keep_its_readings_in_order()
    {
        var sessions = new ChargePointSessions();
        sessions.Start(StartAt(Now), Accepted, null);

        var (read, fault) = sessions.Meter(new MeterValuesRequest(1, 1, [Energy(Now.AddMinutes(15), 2_500), Energy(Now.AddMinutes(10), 2_000), Power(Now.AddMinutes(15), 6.5)]), Now.AddMinutes(15));

        Assert.Null(fault);
        Assert.Equal((2.0, 6.5), (read!.EnergyKwh, read.PowerKw));
        // The meter moves to the message's last energy sample (never back).
        Assert.Equal(2_000, sessions.Find(1)!.LastMeterWh);

        // The reading older than the last kept is a replay: dropped, so the readings never run backwards.
        Assert.Equal([new MeterReading(Now, 1_000), new MeterReading(Now.AddMinutes(15), 2_500)], sessions.Readings[1]);
        Assert.Equal([(Now.AddMinutes(15), 6.5)], read.PowerSamples);
    }

    [Fact]
    public void A_bad_sample_refuses_the_whole_message_and_changes_nothing()
    {
        var sessions = new ChargePointSessions();
        sessions.Start(StartAt(Now), Accepted, null);

        var (_, fault) = sessions.Meter(new MeterValuesRequest(1, 1, [Energy(Now.AddMinutes(5), 1_500), Energy(Now.AddMinutes(6), 900)]), Now.AddMinutes(10));

        Assert.Equal("meterValue[1]", fault!.Field);
        Assert.Equal(1_000, sessions.Find(1)!.LastMeterWh);
        Assert.Single(sessions.Readings[1]);
        Assert.Equal("transactionId", sessions.Meter(new MeterValuesRequest(1, 9, []), Now).Fault!.Field);
        Assert.Equal("connectorId", sessions.Meter(new MeterValuesRequest(2, null, []), Now).Fault!.Field);
        Assert.Equal("meterValue[0].timestamp", sessions.Meter(new MeterValuesRequest(1, 1, [Energy(Now.AddHours(1), 1_500)]), Now).Fault!.Field);
    }

    [Fact]
    public void A_stop_closes_the_session_and_hands_over_its_readings_with_the_last_one()
    {
        var sessions = new ChargePointSessions();
        sessions.Start(StartAt(Now), Accepted, null);
        sessions.Meter(new MeterValuesRequest(1, 1, [Energy(Now.AddMinutes(15), 2_500)]), Now.AddMinutes(15));

        var (stopped, fault) = sessions.Stop(new StopTransactionRequest(1, 4_000, Now.AddMinutes(30), "CARD-1", null, [Energy(Now.AddMinutes(20), 3_000)]), Now.AddMinutes(30));

        Assert.Null(fault);
        Assert.Equal((4_000L, Now.AddMinutes(30), "Local", 3.0), (stopped!.Session.LastMeterWh, stopped.Session.StoppedAt, stopped.Session.StopReason, stopped.Session.EnergyKwh));
        Assert.Equal([1_000L, 2_500, 3_000, 4_000], stopped.Readings.Select(r => r.RegisterWh));
        Assert.False(sessions.Readings.ContainsKey(1));
        Assert.False(sessions.AnyOpen);
    }

    [Fact]
    public void A_stop_is_refused_when_unknown_already_stopped_below_the_start_or_before_it_and_changes_nothing()
    {
        var sessions = new ChargePointSessions();
        sessions.Start(StartAt(Now), Accepted, null);

        Assert.Equal("transactionId", sessions.Stop(new StopTransactionRequest(7, 2_000, Now, null, null, null), Now).Fault!.Field);
        Assert.Equal("meterStop", sessions.Stop(new StopTransactionRequest(1, 500, Now.AddMinutes(1), null, null, null), Now.AddMinutes(1)).Fault!.Field);
        Assert.Equal("timestamp", sessions.Stop(new StopTransactionRequest(1, 2_000, Now.AddMinutes(-1), null, null, null), Now).Fault!.Field);
        Assert.Equal("transactionData[0]", sessions.Stop(new StopTransactionRequest(1, 2_000, Now.AddMinutes(5), null, null, [Energy(Now.AddMinutes(2), 2_500)]), Now.AddMinutes(5)).Fault!.Field);
        Assert.True(sessions.AnyOpen);

        Assert.Null(sessions.Stop(new StopTransactionRequest(1, 2_000, Now.AddMinutes(5), null, "EVDisconnected", null), Now.AddMinutes(5)).Fault);
        Assert.Equal("transactionId", sessions.Stop(new StopTransactionRequest(1, 2_000, Now.AddMinutes(6), null, null, null), Now.AddMinutes(6)).Fault!.Field);

        // No readings were kept for a session restored without them: its cost comes from its start and stop.
        var restored = ChargePointSessions.Restore(3, [new ChargeSession(3, "T", null, Now, 100, 100, null, null)], null, null, null, 0, false);
        Assert.Equal([100L, 900], restored.Stop(new StopTransactionRequest(3, 900, Now.AddMinutes(1), null, null, null), Now.AddMinutes(1)).Value!.Readings.Select(r => r.RegisterWh));
    }

    [Fact]
    public void A_draw_above_the_profile_for_two_samples_in_a_row_is_an_overdraw_cleared_by_one_within_it()
    {
        var sessions = new ChargePointSessions();
        var schedule = Schedule(7_000);

        Assert.Empty(sessions.CheckDraw(schedule, [(Now, 7.3)]));
        Assert.Empty(sessions.CheckDraw(schedule, [(Now, 7.1)]));
        Assert.Equal(0, sessions.OverdrawStreak);

        var over = Assert.Single(sessions.CheckDraw(schedule, [(Now, 7.3), (Now.AddMinutes(1), 7.4)]));
        Assert.Equal(new DrawChange(true, 7.4, 7.0), over);
        Assert.True(sessions.Overdrawing);
        Assert.Empty(sessions.CheckDraw(schedule, [(Now.AddMinutes(2), 7.5)]));

        Assert.Equal(new DrawChange(false, 6.0, 7.0), Assert.Single(sessions.CheckDraw(schedule, [(Now.AddMinutes(3), 6.0)])));
        Assert.False(sessions.Overdrawing);
        Assert.Empty(sessions.CheckDraw(null, [(Now, 50.0), (Now, 50.0)]));
    }
}
