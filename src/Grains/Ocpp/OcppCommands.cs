using System.Globalization;
using System.Text.Json.Nodes;
using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

/// <summary>Payloads of the CALLs the central system sends, as OCPP 1.6J writes them.</summary>
public static class OcppCommands
{
    public const int ChargePointMaxProfileId = 1;
    public const int TxProfileId = 2;

    public static string SetChargePointMaxProfile(ChargerSchedule schedule) =>
        new JsonObject
        {
            ["connectorId"] = 0,
            ["csChargingProfiles"] = Profile(ChargePointMaxProfileId, "ChargePointMaxProfile", schedule, transactionId: null),
        }.ToJsonString();

    public static string SetTxProfile(ChargerSchedule schedule, int transactionId) =>
        new JsonObject
        {
            ["connectorId"] = 1,
            ["csChargingProfiles"] = Profile(TxProfileId, "TxProfile", schedule, transactionId),
        }.ToJsonString();

    public static string RemoteStart(string idTag) => new JsonObject { ["connectorId"] = 1, ["idTag"] = idTag }.ToJsonString();

    public static string RemoteStop(int transactionId) => new JsonObject { ["transactionId"] = transactionId }.ToJsonString();

    public static string TriggerStatus() => new JsonObject { ["requestedMessage"] = "StatusNotification", ["connectorId"] = 1 }.ToJsonString();

    private static JsonObject Profile(int id, string purpose, ChargerSchedule schedule, int? transactionId)
    {
        var periods = new JsonArray();
        foreach (var period in schedule.Periods)
        {
            periods.Add(new JsonObject { ["startPeriod"] = period.StartSeconds, ["limit"] = (double)period.LimitW });
        }

        var profile = new JsonObject
        {
            ["chargingProfileId"] = id,
            ["stackLevel"] = 0,
            ["chargingProfilePurpose"] = purpose,
            ["chargingProfileKind"] = "Absolute",
            ["chargingSchedule"] = new JsonObject
            {
                ["duration"] = (int)ChargingSchedules.Horizon.TotalSeconds,
                ["startSchedule"] = schedule.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["chargingRateUnit"] = "W",
                ["chargingSchedulePeriod"] = periods,
            },
        };
        if (transactionId is { } tx)
        {
            profile["transactionId"] = tx;
        }

        return profile;
    }
}
