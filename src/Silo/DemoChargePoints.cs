using Microsoft.Extensions.Options;
using Parking.Api.Endpoints;
using Parking.Domain.Ocpp;
using Parking.Grains;
using Parking.Grains.Ocpp;

namespace Parking.Silo;

/// <summary>
/// Gives every charger of the seeded demo compound an OCPP password, <c>Parking:Ocpp:DemoPassword</c>, so real or
/// simulated charge points can connect as <c>{compoundId}.{chargerId}</c>. A charger that already has a password
/// (staff rotated it, or durable storage kept it) keeps its own.
/// </summary>
public sealed partial class DemoChargePoints(
    IGrainFactory grains,
    DemoCompoundInfo demo,
    DemoSeedingSilo seeding,
    IOptions<OcppPolicy> ocpp,
    ILogger<DemoChargePoints> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!demo.Seeded || !seeding.Seeds)
        {
            return;
        }

        var chargers = (await grains.Compound(demo.CompoundId).GetChargingAreas()).SelectMany(a => a.Chargers).ToList();
        var provisioned = 0;
        await Parallel.ForEachAsync(chargers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (charger, _) =>
        {
            var grain = grains.ChargePoint(demo.CompoundId, charger.ChargerId);
            if (!(await grain.Get()).Provisioned && (await grain.SetPassword(ocpp.Value.DemoPassword)).IsSuccess)
            {
                Interlocked.Increment(ref provisioned);
            }
        });
        LogProvisioned(demo.CompoundId, provisioned, chargers.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo compound {CompoundId}: OCPP password set for {Provisioned} of {Chargers} chargers (Parking:Ocpp:DemoPassword)")]
    private partial void LogProvisioned(string compoundId, int provisioned, int chargers);
}
