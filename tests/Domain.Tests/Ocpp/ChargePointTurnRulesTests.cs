using Parking.Domain;
using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Ocpp;

/// <summary>
/// What a driver and the plan may start or stop at a charge point: a driver only with a car plugged in and no
/// transaction running; the plan starts its turn's car once and stops a transaction it started once its turn is over.
/// </summary>
public sealed class ChargePointTurnRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static ChargerSchedule Schedule(string? requestId) =>
        new("c1", Now, [new SchedulePeriod(0, 7400)], requestId) { SessionResidentId = requestId is null ? null : "ann" };

    private static ChargeSession Open(int transactionId, string? requestId) => new(transactionId, "T", requestId, Now, 0, 0, null, null);

    [Theory]
    [InlineData(true, "Preparing", "transaction-running")]
    [InlineData(true, "Charging", "transaction-running")]
    [InlineData(false, "Available", "not-plugged-in")]
    [InlineData(false, "Charging", "not-plugged-in")]
    [InlineData(false, null, "not-plugged-in")]
    public void A_driver_may_not_start_while_a_transaction_runs_or_without_a_car_waiting(bool transactionOpen, string? connector, string code)
    {
        var refused = ChargePointRules.DriverStart(transactionOpen, connector);

        Assert.Equal((ErrorKind.Conflict, code), (refused?.Kind, refused?.Code));
    }

    [Fact]
    public void A_driver_may_start_when_the_car_waits_plugged_in()
    {
        Assert.Null(ChargePointRules.DriverStart(transactionOpen: false, "Preparing"));
    }

    [Fact]
    public void The_plan_starts_its_turns_car_when_it_waits_plugged_in_with_no_transaction()
    {
        Assert.Equal(new TurnCommand.Start("req-1", "ann"), ChargePointRules.TurnCommand(Schedule("req-1"), null, "Preparing", remoteStartPending: false, remoteStopAsked: false));
    }

    [Theory]
    [InlineData(null, "Preparing", false)]
    [InlineData("req-1", "Available", false)]
    [InlineData("req-1", "Charging", false)]
    [InlineData("req-1", "Preparing", true)]
    public void The_plan_starts_nothing_without_a_turn_a_waiting_car_or_while_a_start_is_on_its_way(string? requestId, string connector, bool startPending)
    {
        Assert.Null(ChargePointRules.TurnCommand(Schedule(requestId), null, connector, startPending, remoteStopAsked: false));
    }

    [Fact]
    public void The_plan_starts_nothing_while_a_transaction_is_open()
    {
        Assert.Null(ChargePointRules.TurnCommand(Schedule("req-1"), Open(7, "req-1"), "Preparing", remoteStartPending: false, remoteStopAsked: false));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("req-2")]
    public void A_transaction_whose_turn_is_over_is_stopped(string? scheduled)
    {
        Assert.Equal(new TurnCommand.Stop(7), ChargePointRules.TurnCommand(Schedule(scheduled), Open(7, "req-1"), "Charging", remoteStartPending: false, remoteStopAsked: false));
    }

    [Fact]
    public void A_transaction_is_stopped_once_and_never_while_its_turn_lasts_or_when_begun_at_the_charger()
    {
        Assert.Null(ChargePointRules.TurnCommand(Schedule("req-2"), Open(7, "req-1"), "Charging", remoteStartPending: false, remoteStopAsked: true));
        Assert.Null(ChargePointRules.TurnCommand(Schedule("req-1"), Open(7, "req-1"), "Charging", remoteStartPending: false, remoteStopAsked: false));
        Assert.Null(ChargePointRules.TurnCommand(Schedule("req-2"), Open(7, null), "Charging", remoteStartPending: false, remoteStopAsked: false));
    }
}
