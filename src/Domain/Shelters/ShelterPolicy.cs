namespace Parking.Domain.Shelters;

/// <summary>The safety and sharing rules of e-bike shelters. Bound from configuration section <c>Parking:Shelters</c>.</summary>
public sealed class ShelterPolicy
{
    public const string SectionName = "Parking:Shelters";

    /// <summary>The longest a charging session may last; the port is cut when it is reached.</summary>
    public TimeSpan MaxSessionLength { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A battery is taken to be full when the port draws less than this ...</summary>
    public double FullPowerWatts { get; set; } = 10;

    /// <summary>... for at least this long (a charger pausing for a moment is not a full battery).</summary>
    public TimeSpan FullHoldTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most one port is allowed to draw, however little else the shelter draws.</summary>
    public double PortMaxWatts { get; set; } = 400;

    /// <summary>A new session is admitted only if every session's equal share of the shelter limit stays at least this.</summary>
    public double MinPortWatts { get; set; } = 100;

    /// <summary>A temperature reading at or above this (°C) raises the alarm.</summary>
    public double AlarmTemperatureCelsius { get; set; } = 60;

    /// <summary>A smoke reading at or above this (obscuration, % per metre) raises the alarm.</summary>
    public double SmokeAlarmLevel { get; set; } = 3;

    /// <summary>How many sessions one resident may have running in one shelter at once.</summary>
    public int MaxSessionsPerResident { get; set; } = 2;

    /// <summary>How long an ended session stays in its shelter ("why did my charge end?").</summary>
    public TimeSpan SessionHistory { get; set; } = TimeSpan.FromDays(2);

    /// <summary>A port a command switches must be confirmed within this, or the command fails (for a cut: "port did not cut").</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A controller not heard from for this long is offline, and its shelter refuses new sessions.</summary>
    public TimeSpan ControllerSilence { get; set; } = TimeSpan.FromSeconds(60);
}
