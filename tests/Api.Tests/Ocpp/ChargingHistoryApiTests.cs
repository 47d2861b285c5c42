using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Charging;
using Xunit;

namespace Parking.Api.Tests.Ocpp;

/// <summary>
/// Metered energy goes to the history: a driver's turn charged through a real OCPP client shows, for that driver
/// only, its energy and cost under the compound's time-of-use tariff; staff see it per charger and per area.
/// </summary>
[Collection(OcppHostCollection.Name)]
public sealed class ChargingHistoryApiTests(OcppHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task A_metered_session_shows_its_energy_and_cost_to_its_driver_only_and_to_staff_per_charger_and_area()
    {
        const string driver = "r00052";
        using var asked = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("charging/areas/CA-G1/requests"), driver, new ChargingRequestBody("沪E52", 4, null, null, null, null, _host.Now.AddHours(8), true));
        await ParkingHost.Expect(asked, HttpStatusCode.Created);
        var stored = (await asked.Content.ReadFromJsonAsync<ChargingRequestDto>(ParkingHost.Json))!;
        var request = await _host.GetOkAsync<ChargingRequestDto>(ParkingHost.CompoundPath($"charging/areas/CA-G1/requests/{stored.Id}?planned=true"), driver);
        var chargerId = request.Turn!.ChargerId;
        if (request.Turn.Start > _host.Now)
        {
            _host.Time.Advance(request.Turn.Start - _host.Now);
        }

        await using var charger = await OcppCharger.ConnectAsync(_host, chargerId);
        await charger.BootAsync();
        await charger.StatusAsync("Available");
        await charger.StatusAsync("Preparing");
        var idTag = (await charger.ExpectCallAsync("RemoteStartTransaction", what: "the turn's transaction is started remotely")).GetProperty("idTag").GetString()!;
        var meterStart = (long)Math.Round((await _host.GetOkAsync<ChargerDto>(ParkingHost.CompoundPath($"chargers/{chargerId}"), "staff01")).EnergyMeterKwh * 1000);
        var t0 = _host.Now;
        var transactionId = (await charger.StartAsync(idTag, meterStart, t0)).GetProperty("transactionId").GetInt32();
        await charger.StatusAsync("Charging");
        _host.Time.Advance(TimeSpan.FromMinutes(20));
        await charger.MeterAsync(transactionId, meterStart + 2000, 6000, _host.Now);
        _host.Time.Advance(TimeSpan.FromMinutes(10));
        await charger.StopAsync(transactionId, meterStart + 3000, _host.Now, "EVDisconnected");
        await charger.StatusAsync("Finishing");
        await charger.StatusAsync("Available");

        var expected = TimeOfUseTariff.Default.Cost(
            [new MeterReading(t0, meterStart), new MeterReading(t0.AddMinutes(20), meterStart + 2000), new MeterReading(t0.AddMinutes(30), meterStart + 3000)],
            TimeSpan.FromHours(8));
        var mine = await _host.GetOkAsync<ChargingSessionDto[]>(ParkingHost.CompoundPath("charging/sessions/mine"), driver);
        var session = Assert.Single(mine);
        Assert.Equal((chargerId, transactionId, request.Id, "CA-G1"), (session.ChargerId, session.TransactionId, session.RequestId, session.AreaId));
        Assert.Equal(3.0, session.EnergyKwh, 3);
        Assert.Equal(3.0, session.PeakKwh + session.FlatKwh + session.ValleyKwh, 3);
        Assert.Equal(expected.Amount, session.Cost);
        Assert.True(session.Cost > 0);
        Assert.Equal("CNY", session.Currency);

        // Another driver sees none of it; staff see it in the charger's and the area's totals.
        Assert.DoesNotContain(await _host.GetOkAsync<ChargingSessionDto[]>(ParkingHost.CompoundPath("charging/sessions/mine"), "r00053"), s => s.TransactionId == transactionId && s.ChargerId == chargerId);
        var energy = await _host.GetOkAsync<ChargingEnergyDto>(ParkingHost.CompoundPath("charging/energy"), "staff01");
        var perCharger = Assert.Single(energy.Chargers, c => c.Id == chargerId);
        Assert.Equal("CA-G1", perCharger.AreaId);
        Assert.True(perCharger.EnergyKwh >= 3.0);
        var perArea = Assert.Single(energy.Areas, a => a.Id == "CA-G1");
        Assert.Equal(energy.Chargers.Where(c => c.AreaId == "CA-G1").Sum(c => c.EnergyKwh), perArea.EnergyKwh, 3);
        using (var resident = await _host.GetAsync(ParkingHost.CompoundPath("charging/energy"), driver))
        {
            Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        }

        using (var badPeriod = await _host.GetAsync(ParkingHost.CompoundPath("charging/energy?from=yesterday"), "staff01"))
        {
            await ProblemAssert.Expect(badPeriod, HttpStatusCode.BadRequest, field: "from");
        }
    }

    [Fact]
    public async Task Staff_set_the_tariff_and_a_bad_one_is_refused_naming_the_field()
    {
        var tariff = await _host.GetOkAsync<ChargingTariffDto>(ParkingHost.CompoundPath("charging/tariff"), "r00053");
        Assert.Equal("CNY", tariff.Currency);
        Assert.Equal(["flat", "peak", "valley"], tariff.Bands!.Select(b => b.Level.WireName()).Distinct().Order());
        Assert.Equal("+08:00", tariff.UtcOffset);

        using (var unordered = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/tariff"), "staff01", Body(tariff) with { Bands = [new("08:00", "peak"), new("06:00", "flat")] }))
        {
            await ProblemAssert.Expect(unordered, HttpStatusCode.BadRequest, "tariff-invalid", "bands[1].from");
        }

        using (var level = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/tariff"), "staff01", Body(tariff) with { Bands = [new("08:00", "cheap")] }))
        {
            await ProblemAssert.Expect(level, HttpStatusCode.BadRequest, "tariff-invalid", "bands[0].level");
        }

        using (var resident = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/tariff"), "r00053", tariff))
        {
            Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        }

        Assert.Equal(tariff.PeakPrice, (await _host.GetOkAsync<ChargingTariffDto>(ParkingHost.CompoundPath("charging/tariff"), "r00053")).PeakPrice);
        using var set = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/tariff"), "staff01", tariff with { PeakPrice = 1.25m });
        await ParkingHost.Expect(set, HttpStatusCode.OK);
        try
        {
            Assert.Equal(1.25m, (await _host.GetOkAsync<ChargingTariffDto>(ParkingHost.CompoundPath("charging/tariff"), "r00053")).PeakPrice);
        }
        finally
        {
            using var back = await _host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath("charging/tariff"), "staff01", tariff);
            await ParkingHost.Expect(back, HttpStatusCode.OK);
        }
    }

    // A tariff read back as a PUT body, its levels in the words the API writes.
    private static ChargingTariffBody Body(ChargingTariffDto tariff) =>
        new(tariff.Currency, tariff.PeakPrice, tariff.FlatPrice, tariff.ValleyPrice, [.. tariff.Bands.Select(b => new TariffBandBody(b.From, b.Level.WireName()))]);
}
