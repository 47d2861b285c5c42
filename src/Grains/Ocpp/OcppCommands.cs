using System.Globalization;
using System.Text.Json.Nodes;
using Parking.Domain.Ocpp;

namespace Parking.Grains.Ocpp;

/// <summary>Payloads of the CALLs the central system sends, as OCPP 1.6J writes them.</summary>
public static class OcppCommands
{
    public const int ChargePointMaxProfileId = 1;
    public const int TxProfileId = 2;

    /// <summary>The phase voltage of the compounds' low-voltage feed (China: 220 V; 380 V between phases), for limits in amperes.</summary>
    public const double PhaseVolts = 220;

    public static string SetChargePointMaxProfile(ChargerSchedule schedule, string unit = "W") =>
        new JsonObject
        {
            ["connectorId"] = 0,
            ["csChargingProfiles"] = Profile(ChargePointMaxProfileId, "ChargePointMaxProfile", schedule, transactionId: null, unit),
        }.ToJsonString();

    public static string SetTxProfile(ChargerSchedule schedule, int transactionId, string unit = "W") =>
        new JsonObject
        {
            ["connectorId"] = 1,
            ["csChargingProfiles"] = Profile(TxProfileId, "TxProfile", schedule, transactionId, unit),
        }.ToJsonString();

    public static string GetRateUnit() => new JsonObject { ["key"] = new JsonArray("ChargingScheduleAllowedChargingRateUnit") }.ToJsonString();

    /// <summary>
    /// The unit a GetConfiguration answer says the charger takes: W when it takes power, A when it takes only current;
    /// W when it does not name the key (OCPP 1.6 chargers that support smart charging take watts); null without an answer.
    /// </summary>
    public static string? RateUnitOf(string? getConfigurationAnswer)
    {
        if (getConfigurationAnswer is null)
        {
            return null;
        }

        var keys = JsonNode.Parse(getConfigurationAnswer)?["configurationKey"]?.AsArray();
        var value = keys?.FirstOrDefault(k => k?["key"]?.GetValue<string>() == "ChargingScheduleAllowedChargingRateUnit")?["value"]?.GetValue<string>();
        var units = value?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        return !units.Contains("Power", StringComparer.OrdinalIgnoreCase) && units.Contains("Current", StringComparer.OrdinalIgnoreCase) ? "A" : "W";
    }

    /// <summary>A limit in the charger's unit: watts, or amperes per phase (rounded down to 0.1 A) for the phases it loads.</summary>
    public static double Limit(int limitW, int phases, string unit) =>
        unit == "A" ? Math.Floor(limitW / (PhaseVolts * phases) * 10) / 10 : limitW;

    public static string RemoteStart(string idTag) => new JsonObject { ["connectorId"] = 1, ["idTag"] = idTag }.ToJsonString();

    public static string RemoteStop(int transactionId) => new JsonObject { ["transactionId"] = transactionId }.ToJsonString();

    /// <summary>ChangeAvailability for the whole charger (connector 0): Operative, or Inoperative (out of service).</summary>
    public static string ChangeAvailability(bool operative) =>
        new JsonObject { ["connectorId"] = 0, ["type"] = operative ? "Operative" : "Inoperative" }.ToJsonString();

    public static string TriggerStatus() => new JsonObject { ["requestedMessage"] = "StatusNotification", ["connectorId"] = 1 }.ToJsonString();

    private static JsonObject Profile(int id, string purpose, ChargerSchedule schedule, int? transactionId, string unit)
    {
        var periods = new JsonArray();
        foreach (var period in schedule.Periods)
        {
            periods.Add(new JsonObject { ["startPeriod"] = period.StartSeconds, ["limit"] = Limit(period.LimitW, schedule.Phases, unit), ["numberPhases"] = schedule.Phases });
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
                ["chargingRateUnit"] = unit,
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
