using Parking.Domain.Shelters;

namespace Parking.Grains;

/// <summary>
/// One e-bike shelter (key: compound/shelter): the single writer of its ports, sessions and alarms. It
/// reads its definition (ports, power limit) from the compound's layout when it activates.
/// </summary>
public interface IShelterGrain : IPersonalHistory
{
    /// <summary>The shelter as it is now; null when the compound has no such shelter.</summary>
    Task<ShelterSnapshot?> GetSnapshot();

    /// <summary>Reads the shelter's definition from the compound's layout again (after a re-import): ports and power limit.</summary>
    Task Reload();

    Task<Outcome<ShelterSession>> StartSession(StartSessionCommand command);

    Task<Outcome<ShelterSession>> StopSession(string sessionId, Actor actor);

    Task<Outcome<ShelterSession>> GetSession(string sessionId, Actor actor);

    /// <summary>A resident's sessions here: running ones and those ended recently, newest first.</summary>
    Task<IReadOnlyList<ShelterSession>> GetSessionsOf(string residentId);

    /// <summary>The driver left the compound: their sessions name <paramref name="pseudonym"/> instead and lose the bike's name. Returns how many changed.</summary>
    Task<int> Anonymise(string residentId, string pseudonym);

    /// <summary>A port's meter reading from the hardware (or the simulator).</summary>
    Task<Outcome<PortReportResult>> ReportPort(string portId, PortReport report);

    /// <summary>A smoke or temperature reading; at or over its threshold it cuts every port.</summary>
    Task<Outcome<AlarmResult>> ReportAlarm(AlarmReading reading);

    Task<Outcome<ShelterAlarm>> ClearAlarm(string staffId);

    /// <summary>The shelter's controller fell silent (true) or reports again (false): an offline shelter refuses new sessions.</summary>
    Task SetControllerOffline(bool offline);

    /// <summary>Ends sessions past their maximum length or with a full battery; returns how many.</summary>
    Task<int> Sweep();
}

public static class ShelterGrainKeys
{
    public static IShelterGrain Shelter(this IGrainFactory grains, string compoundId, string shelterId) =>
        grains.GetGrain<IShelterGrain>(GrainKeys.Of(compoundId, shelterId));
}
