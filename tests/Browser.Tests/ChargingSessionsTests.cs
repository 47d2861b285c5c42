using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Parking.Devices;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// Metered sessions in the app: a real OCPP client charges a resident's registered card on a demo charger over a
/// WebSocket to the silo, and the driver's "My charging sessions" and the staff energy table show what it metered.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ChargingSessionsTests(WebAppFixture app)
{
    private const string Driver = "r00031";
    private const string Staff = "staff03";
    private const string Card = "CARD-B0031";

    /// <summary>The default of <c>Parking:Ocpp:DemoPassword</c>, as the README says.</summary>
    private const string DemoPassword = "parking-demo-charger";

    [Fact]
    public async Task A_session_a_charger_meters_over_ocpp_shows_with_its_energy_and_cost_to_the_driver_and_staff()
    {
        using var api = new ApiCalls(app.BaseAddress);
        var plan = await api.SendAsync(HttpMethod.Get, "charging/areas/CA-G1/plan", Staff);
        var chargerId = plan.GetProperty("chargers").EnumerateArray().Last().GetProperty("charger").GetProperty("chargerId").GetString()!;
        var energyBefore = ChargerKwh(await api.SendAsync(HttpMethod.Get, "charging/energy", Staff), chargerId);
        await api.SendAsync(HttpMethod.Put, $"charging/cards/{Card}", Staff, new { residentId = Driver });
        var meterKwh = (await api.SendAsync(HttpMethod.Get, $"chargers/{chargerId}", Staff)).GetProperty("energyMeterKwh").GetDouble();

        // The charger: boot, the card's transaction, one meter reading, the stop; 3,456 Wh in all.
        var meterStart = (long)Math.Round(meterKwh * 1000) + 100;
        var startedAt = DateTimeOffset.UtcNow.AddMinutes(-30);
        int transactionId;
        await using (var charger = await OcppChargePointClient.ConnectAsync(
            new Uri($"ws://{app.BaseAddress.Authority}/ocpp/"),
            $"demo-small.{chargerId}",
            DemoPassword,
            onCall: (action, _) => Task.FromResult<JsonObject?>(action == "GetConfiguration" ? new JsonObject() : new JsonObject { ["status"] = "Accepted" })))
        {
            var boot = await charger.CallAsync("BootNotification", new JsonObject { ["chargePointVendor"] = "BrowserTest", ["chargePointModel"] = "Wallbox" });
            Assert.Equal("Accepted", boot.GetProperty("status").GetString());
            var started = await charger.CallAsync("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = Card, ["meterStart"] = meterStart, ["timestamp"] = Time(startedAt) });
            Assert.Equal("Accepted", started.GetProperty("idTagInfo").GetProperty("status").GetString());
            transactionId = started.GetProperty("transactionId").GetInt32();
            await charger.CallAsync("MeterValues", new JsonObject
            {
                ["connectorId"] = 1,
                ["transactionId"] = transactionId,
                ["meterValue"] = new JsonArray(new JsonObject
                {
                    ["timestamp"] = Time(startedAt.AddMinutes(15)),
                    ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = (meterStart + 1728).ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" }),
                }),
            });
            await charger.CallAsync("StopTransaction", new JsonObject { ["transactionId"] = transactionId, ["meterStop"] = meterStart + 3456, ["timestamp"] = Time(startedAt.AddMinutes(30)), ["reason"] = "EVDisconnected" });
        }

        var session = await SessionAsync(api, chargerId, transactionId);
        var cost = session.GetProperty("cost").GetDecimal();
        Assert.True(cost > 0, $"the session's cost is {cost}");

        // The driver's page: the session's row, with the metered energy and the cost the API priced.
        await using var driver = await PageSession.OpenAsync(app, 360, 740);
        await driver.SignInAsync("resident", Driver);
        await driver.Page.GotoAsync("charging");
        var row = driver.Page.Locator($"table.sessions tr[data-transaction='{transactionId}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator("td").Nth(0)).ToHaveTextAsync(chargerId);
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("3.46");
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync($"{cost.ToString("0.00", CultureInfo.InvariantCulture)} {session.GetProperty("currency").GetString()}");
        await driver.ScreenshotAsync("driver-charging-sessions");
        driver.AssertNoErrors();

        // The staff page: the charger's energy over the last 30 days grew by the session's.
        await using var staff = await PageSession.OpenAsync(app);
        await staff.SignInAsync("staff", Staff);
        await staff.Page.GotoAsync("staff/charging");
        var chargerRow = staff.Page.Locator($"table.energy tr[data-charger='{chargerId}']");
        await Expect(chargerRow).ToBeVisibleAsync();
        await Expect(chargerRow.Locator("td").Nth(3)).ToHaveTextAsync((energyBefore + 3.456).ToString("0.0", CultureInfo.InvariantCulture));
        await Expect(staff.Page.Locator("table.energy tr.area-total[data-area='CA-G1']")).ToBeVisibleAsync();

        // The chargers' status counts speak the page's language, not the wire's words.
        var legend = staff.Page.Locator("ul.legend.counts li[data-status]");
        await Expect(legend.First).ToBeVisibleAsync();
        foreach (var entry in await legend.AllAsync())
        {
            var status = (await entry.GetAttributeAsync("data-status"))!;
            Assert.DoesNotContain(status, await entry.InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        }

        await staff.ScreenshotAsync("staff-charging-energy");
        staff.AssertNoErrors();
    }

    /// <summary>The driver's session as the API has it (the history is written in the background, so it may take a moment).</summary>
    private static async Task<JsonElement> SessionAsync(ApiCalls api, string chargerId, int transactionId)
    {
        for (var attempt = 0; ; attempt++)
        {
            var mine = await api.SendAsync(HttpMethod.Get, "charging/sessions/mine", Driver);
            var found = mine.EnumerateArray().Where(s => s.GetProperty("transactionId").GetInt32() == transactionId && s.GetProperty("chargerId").GetString() == chargerId).ToList();
            if (found.Count == 1 || attempt == 100)
            {
                return Assert.Single(found);
            }

            await Task.Delay(200);
        }
    }

    private static double ChargerKwh(JsonElement energy, string chargerId) =>
        energy.GetProperty("chargers").EnumerateArray().FirstOrDefault(c => c.GetProperty("id").GetString() == chargerId) is { ValueKind: JsonValueKind.Object } row
            ? row.GetProperty("energyKwh").GetDouble()
            : 0;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
