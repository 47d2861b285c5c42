using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Parking.Domain.Charging;

namespace Parking.Grains.Charging;

/// <summary>
/// The single writer of one charger's status. It learns where it stands from the compound's layout on first
/// use, so a charger the layout does not have is refused. An accepted report is stored first, then handed to
/// the area; the area's answer names the request whose car is on the charger.
/// </summary>
public sealed partial class ChargerGrain(
    [PersistentState("charger", GrainKeys.StorageName)] IPersistentState<ChargerState> state,
    ParkingClock time,
    ILogger<ChargerGrain> logger) : Grain, IChargerGrain
{
    public async Task<Outcome<ChargerView>> Report(ChargerReport report)
    {
        if (!await EnsureConfigured())
        {
            return NotFound();
        }

        var reported = state.State.Report(report, time.GetUtcNow());
        if (reported.Error is { } invalid)
        {
            return invalid;
        }

        var (compoundId, _) = CompoundScopedKey.Of(this);
        await state.WriteStateAsync();

        // Only the register of an idle charger moved: nothing the area plans with changed, and a plug-in report carries
        // the register the session then counts from; sending each one on would re-store and re-publish the whole area.
        if (!reported.Value)
        {
            return View(compoundId);
        }

        try
        {
            var session = await GrainFactory.ChargingArea(compoundId, state.State.AreaId!).ChargerReported(state.State.Charger!);
            if (state.State.SessionIs(session))
            {
                await state.WriteStateAsync();
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The report is stored; the area hears the charger's state with its next report.
            LogAreaReportFailed(exception, this.GetPrimaryKeyString());
        }

        return View(compoundId);
    }

    public async Task<Outcome<ChargerView>> Get() =>
        await EnsureConfigured() ? View(CompoundScopedKey.Of(this).CompoundId) : NotFound();

    private ChargerView View(string compoundId) => new(compoundId, state.State.AreaId!, state.State.Charger!, state.State.SessionRequestId);

    public async Task Reload()
    {
        if (!state.State.Configured)
        {
            return;
        }

        var (compoundId, chargerId) = CompoundScopedKey.Of(this);
        var found = (await GrainFactory.Compound(compoundId).GetChargingAreas())
            .SelectMany(a => a.Chargers.Select(c => (Area: a.AreaId, Charger: c)))
            .FirstOrDefault(x => x.Charger.ChargerId == chargerId);
        // Dropped from the file (no definition): the charger is unknown from now on, as if it had never been configured.
        if (state.State.Reload(found.Area, found.Charger))
        {
            await state.WriteStateAsync();
        }
    }

    private async Task<bool> EnsureConfigured()
    {
        if (state.State.Configured)
        {
            return true;
        }

        var (compoundId, chargerId) = CompoundScopedKey.Of(this);
        foreach (var area in await GrainFactory.Compound(compoundId).GetChargingAreas())
        {
            if (area.Chargers.FirstOrDefault(c => c.ChargerId == chargerId) is { } definition)
            {
                state.State.Configure(area.AreaId, definition);
                return true;
            }
        }

        return false;
    }

    private static DomainError NotFound() => DomainError.NotFound("charger-not-found", "No such charger in this compound.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report charger {ChargerKey} to its area")]
    private partial void LogAreaReportFailed(Exception exception, string chargerKey);
}
